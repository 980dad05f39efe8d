package dev.cryo.engine;

import dev.cryo.engine.memory.TrackerHolder;
import dev.cryo.engine.memory.TrackerKeeper;

/**
 * How to take a checkpoint.
 *
 * @param leaveRunning resume the tree afterwards instead of killing it (the default, as CRIU)
 * @param name         label recorded with the checkpoint (a group name), or null
 * @param tracking     whether to use and keep dirty tracking (incremental checkpoints)
 * @param trackers     who keeps the tracker between checkpoints: keeper processes by default, or a supervisor
 */
public record CheckpointOptions(boolean leaveRunning, String name, Tracking tracking, TrackerHolder trackers) {

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
        this(leaveRunning, name, tracking, TrackerKeeper.PROCESSES);
    }

    public static CheckpointOptions defaults() {
        return new CheckpointOptions(false, null);
    }
}
