package dev.cryo.engine;

import dev.cryo.engine.memory.TrackerHolder;
import dev.cryo.engine.memory.TrackerKeeper;
import dev.cryo.store.Compression;

import java.time.Duration;

/**
 * How to take a checkpoint.
 *
 * @param leaveRunning resume the tree afterwards instead of killing it (the default, as CRIU)
 * @param name         label recorded with the checkpoint (a group name), or null
 * @param tracking     whether to use and keep dirty tracking (incremental checkpoints)
 * @param trackers     who keeps the tracker between checkpoints: keeper processes by default, or a supervisor
 * @param compression  how the store compresses the checkpoint's new data
 * @param acceptWait   how long in all a checkpoint that finds connections waiting in a listener's accept
 *                     queue (or being made to it) lets the application run to accept them, before it
 *                     refuses the listener
 */
public record CheckpointOptions(boolean leaveRunning, String name, Tracking tracking, TrackerHolder trackers,
                                Compression compression, Duration acceptWait) {
    /** A command's own checkpoint waits this long for a listener's queued connections to be accepted. */
    public static final Duration ACCEPT_WAIT = Duration.ofSeconds(1);

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

    public CheckpointOptions(boolean leaveRunning, String name, Tracking tracking, TrackerHolder trackers,
                             Compression compression) {
        this(leaveRunning, name, tracking, trackers, compression, ACCEPT_WAIT);
    }

    /** The same options with another compression. */
    public CheckpointOptions compressedWith(Compression c) {
        return new CheckpointOptions(leaveRunning, name, tracking, trackers, c, acceptWait);
    }

    /** The same options, waiting up to {@code wait} in all for listeners' queued connections to be accepted. */
    public CheckpointOptions withAcceptWait(Duration wait) {
        return new CheckpointOptions(leaveRunning, name, tracking, trackers, compression, wait);
    }

    public static CheckpointOptions defaults() {
        return new CheckpointOptions(false, null);
    }
}
