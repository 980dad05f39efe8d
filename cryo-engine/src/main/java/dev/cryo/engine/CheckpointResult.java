package dev.cryo.engine;

import java.util.List;

/**
 * What a checkpoint produced; the CLI prints it (the fields are the --json contract).
 *
 * @param freezeMillis how long the application was stopped
 */
public record CheckpointResult(String id, List<Integer> pids, int threads, long bytesLogical, long bytesStored,
                               long freezeMillis, long totalMillis) {
}
