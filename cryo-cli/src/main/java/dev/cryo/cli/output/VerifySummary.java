package dev.cryo.cli.output;

import dev.cryo.store.VerifyReport;

import java.util.List;
import java.util.Locale;

/** What {@code cryo verify} reports; --json keys: ok, quick, checkpoints_checked, bytes_checked, problems. */
public record VerifySummary(boolean ok, boolean quick, int checkpointsChecked, long bytesChecked, List<String> problems) {

    public static VerifySummary of(VerifyReport r, boolean quick) {
        return new VerifySummary(r.ok(), quick, r.checkpointsChecked(), r.bytesChecked(), r.problems());
    }

    public String text() {
        StringBuilder sb = new StringBuilder();
        for (String p : problems) {
            sb.append(p).append('\n');
        }
        sb.append(String.format(Locale.ROOT, "%s %s, %s%s: %s%n", quick ? "checked the structure of" : "verified",
                Plural.of(checkpointsChecked, "checkpoint", "checkpoints"), ByteSize.format(bytesChecked),
                quick ? " of data" : " read and hashed",
                ok ? "no problems found" : Plural.of(problems.size(), "problem", "problems") + " found"));
        return sb.toString();
    }
}
