package dev.cryo.engine;

import dev.cryo.store.Compression;

/**
 * How to take a checkpoint.
 *
 * @param leaveRunning resume the tree afterwards instead of killing it (the default, as CRIU)
 * @param name         label recorded with the checkpoint (a group name), or null
 * @param compression  how the store compresses the checkpoint's new data
 */
public record CheckpointOptions(boolean leaveRunning, String name, Compression compression) {
    public CheckpointOptions(boolean leaveRunning, String name) {
        this(leaveRunning, name, Compression.LZ4);
    }

    public static CheckpointOptions defaults() {
        return new CheckpointOptions(false, null);
    }
}
