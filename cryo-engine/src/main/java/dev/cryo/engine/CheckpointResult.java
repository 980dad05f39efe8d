package dev.cryo.engine;

import java.util.List;

/**
 * What a checkpoint produced; the CLI prints it (the fields are the --json contract).
 *
 * @param freezeMillis how long the application was stopped
 * @param mode         "full", or "incremental" (only pages written since {@code baseline} were copied)
 * @param baseline     the checkpoint an incremental one builds on, else null
 * @param note         why an incremental checkpoint was taken in full (the tracker was lost...), else null
 * @param warnings     what the checkpoint could not do as well as it should, but did not fail for (e.g. a killed
 *                     tree's TCP connections not held until the restore)
 */
public record CheckpointResult(String id, List<Integer> pids, int threads, long bytesLogical, long bytesStored,
                               long freezeMillis, long totalMillis, String mode, String baseline, String note,
                               List<String> warnings) {

    public CheckpointResult(String id, List<Integer> pids, int threads, long bytesLogical, long bytesStored,
                            long freezeMillis, long totalMillis) {
        this(id, pids, threads, bytesLogical, bytesStored, freezeMillis, totalMillis, "full", null, null, List.of());
    }
}
