package dev.cryo.cli.output;

import dev.cryo.engine.Restoration;

import java.util.List;
import java.util.Locale;

/** What {@code cryo restore} reports; --json keys: pid, pids, restore_ms, log (null unless --stdio log), warnings. */
public record RestoreSummary(int pid, List<Integer> pids, long restoreMs, String log, List<String> warnings) {

    public static RestoreSummary of(Restoration r, String log) {
        return new RestoreSummary(r.pid(), r.pids(), r.restoreMillis(), log, r.warnings());
    }

    /** Human lines; the last one is the root PID alone. */
    public String text() {
        return String.format(Locale.ROOT, "restored %s in %d ms%s%n%d%n",
                Plural.of(pids.size(), "process", "processes"), restoreMs,
                log == null ? "" : "; output goes to " + log, pid);
    }
}
