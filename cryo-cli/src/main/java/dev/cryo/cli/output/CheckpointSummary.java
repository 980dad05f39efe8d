package dev.cryo.cli.output;

import dev.cryo.engine.CheckpointResult;

import java.util.List;
import java.util.Locale;

/**
 * What {@code cryo checkpoint} reports; the components are its --json contract (snake_case keys:
 * id, processes, pids, threads, bytes_logical, bytes_stored, freeze_ms, total_ms, left_running, mode
 * ("full" or "incremental"), baseline (the checkpoint an incremental one builds on), note (why a
 * requested incremental checkpoint was full), warnings (what it did less well than it should, without failing)).
 */
public record CheckpointSummary(String id, int processes, List<Integer> pids, int threads, long bytesLogical,
                                long bytesStored, long freezeMs, long totalMs, boolean leftRunning, String mode,
                                String baseline, String note, List<String> warnings) {

    public static CheckpointSummary of(CheckpointResult r, boolean leftRunning) {
        return new CheckpointSummary(r.id(), r.pids().size(), r.pids(), r.threads(), r.bytesLogical(),
                r.bytesStored(), r.freezeMillis(), r.totalMillis(), leftRunning, r.mode(), r.baseline(), r.note(), r.warnings());
    }

    /** Human lines; the last one is the id alone (the contract scripts rely on). */
    public String text() {
        return String.format(Locale.ROOT, "checkpointed %s (%s) in %d ms%s; the application was frozen %d ms%n"
                        + "memory %s, stored %s new; the tree was %s%n%s%n",
                Plural.of(processes, "process", "processes"), Plural.of(threads, "thread", "threads"), totalMs,
                baseline == null ? "" : ", incremental on " + baseline.substring(0, Math.min(12, baseline.length())), freezeMs,
                ByteSize.format(bytesLogical), ByteSize.format(bytesStored),
                leftRunning ? "left running" : "killed", id);
    }
}
