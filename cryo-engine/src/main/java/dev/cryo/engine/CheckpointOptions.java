package dev.cryo.engine;

import dev.cryo.engine.memory.TrackerHolder;
import dev.cryo.engine.memory.TrackerKeeper;
import dev.cryo.store.Compression;

/**
 * How to take a checkpoint.
 *
 * @param leaveRunning resume the tree afterwards instead of killing it (the default, as CRIU)
 * @param name         label recorded with the checkpoint (a group name), or null
 * @param tracking     whether to use and keep dirty tracking (incremental checkpoints)
 * @param trackers     who keeps the tracker between checkpoints: keeper processes by default, or a supervisor
 * @param compression  how the store compresses the checkpoint's new data
 */
public record CheckpointOptions(boolean leaveRunning, String name, Tracking tracking, TrackerHolder trackers,
                                Compression compression) {

    /** Dirty tracking: what a checkpoint copies, and whether it leaves a tracker for the next one. */
    public enum Tracking {
        /** Copy every page; leave no tracker (a plain checkpoint). */
        NONE,
        /** Copy only pages written since the previous tracked checkpoint (all of them if there is none); keep tracking. */
        INCREMENTAL,
        /** Copy every page, and (re)start tracking for the next incremental one. */
        FULL
    }

    public CheckpointOptions(boolean leaveRunning, String name) {
        this(leaveRunning, name, Tracking.NONE);
    }

    public CheckpointOptions(boolean leaveRunning, String name, Tracking tracking) {
        this(leaveRunning, name, tracking, TrackerKeeper.PROCESSES, Compression.LZ4);
    }

    /** The same options with another compression. */
    public CheckpointOptions compressedWith(Compression c) {
        return new CheckpointOptions(leaveRunning, name, tracking, trackers, c);
    }

    public static CheckpointOptions defaults() {
        return new CheckpointOptions(false, null);
    }
}
