package dev.cryo.engine;

/**
 * How to take a checkpoint.
 *
 * @param leaveRunning resume the tree afterwards instead of killing it (the default, as CRIU)
 * @param name         label recorded with the checkpoint (a group name), or null
 */
public record CheckpointOptions(boolean leaveRunning, String name) {
    public static CheckpointOptions defaults() {
        return new CheckpointOptions(false, null);
    }
}
