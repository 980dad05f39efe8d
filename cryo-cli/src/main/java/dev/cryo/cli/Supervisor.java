package dev.cryo.cli;

import dev.cryo.engine.CheckpointOptions;
import dev.cryo.engine.CheckpointResult;
import dev.cryo.engine.EngineException;
import dev.cryo.engine.Progress;
import dev.cryo.engine.group.GroupRegistry;
import dev.cryo.engine.memory.InMemoryTrackers;
import dev.cryo.store.Compression;
import dev.cryo.store.Store;

import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;

/**
 * Periodic checkpoints of a group (`cryo run --every`): a leave-running checkpoint every interval, the
 * newest {@code keep} kept, until the group is gone. A failed one is reported and the next one tried.
 * Run by the foreground `cryo run` on a thread of its own, or for a detached group by `cryo supervise`.
 *
 * <p>Every checkpoint after the first is incremental: this JVM holds the dirty trackers of every process
 * of the group itself (no keeper processes), and runs the engine warm, so a checkpoint's freeze is
 * mostly the pages written since the previous one.
 */
final class Supervisor {
    private static final long POLL_MILLIS = 100;
    /**
     * How long a periodic checkpoint lets the group accept connections it finds waiting in a listener's
     * queue (longer than a command's: nobody waits on it, and failing it costs a whole interval).
     */
    private static final Duration ACCEPT_WAIT = Duration.ofSeconds(5);

    private final StoreOption store;
    private final GroupRegistry.Group group;
    private final Duration interval;
    private final int keep;
    private final PrintWriter err;

    Supervisor(StoreOption store, GroupRegistry.Group group, Duration interval, int keep, PrintWriter err) {
        this.store = store;
        this.group = group;
        this.interval = interval;
        this.keep = keep;
        this.err = err;
    }

    /** Until the group has exited (or the thread is interrupted). */
    void run() {
        try (InMemoryTrackers trackers = new InMemoryTrackers()) {
            CheckpointOptions options = new CheckpointOptions(true, group.name(), CheckpointOptions.Tracking.INCREMENTAL,
                    trackers, Compression.LZ4).withAcceptWait(ACCEPT_WAIT);
            // one store for the supervisor's life: it caches the store's index (reloaded only when another
            // command changed it), which a checkpoint would otherwise read again each time
            Store s = null;
            while (waitInterval()) {
                try {
                    if (s == null) s = store.open();
                    CheckpointResult r = GroupCheckpoints.take(s, Progress.NONE, group, options);
                    GroupCheckpoints.prune(s, group.name(), keep);
                    err.println("cryo: checkpoint of " + group.name() + ": " + r.id() + " (" + r.mode() + ", frozen "
                            + r.freezeMillis() + " ms, " + r.totalMillis() + " ms in all)");
                } catch (EngineException | IOException | RuntimeException e) {
                    if (!group.alive()) return; // it ended during the checkpoint: nothing wrong
                    err.println("cryo: checkpoint of " + group.name() + " failed: " + e.getMessage());
                }
                err.flush();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Sleeps one interval, watching the group; false once it has exited. */
    private boolean waitInterval() throws InterruptedException {
        long end = System.nanoTime() + interval.toNanos();
        while (System.nanoTime() < end) {
            if (!group.alive()) return false;
            Thread.sleep(Math.min(POLL_MILLIS, Math.max(1, (end - System.nanoTime()) / 1_000_000)));
        }
        return group.alive();
    }
}
