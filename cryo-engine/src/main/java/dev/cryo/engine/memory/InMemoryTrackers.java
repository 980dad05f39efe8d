package dev.cryo.engine.memory;

import dev.cryo.linux.proc.StatParser;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Trackers held by a long-lived process that checkpoints the same processes again and again (a supervisor
 * running {@code --every}): no keeper process, no state file. Start times guard against a PID reused by
 * another process, as in {@link TrackerKeeper}.
 */
public final class InMemoryTrackers implements TrackerHolder, AutoCloseable {
    private record Held(DirtyTracker tracker, String baselineId, Path store, long startTime, long expectedCopy) {}

    private final Map<Integer, Held> held = new HashMap<>();

    @Override
    public synchronized Taken take(int pid, Path store) throws IOException {
        Held h = held.remove(pid);
        if (h == null) return Taken.never();
        if (h.startTime() != startTime(pid)) {
            h.tracker().close();
            return Taken.none("the process was restored or replaced since its last checkpoint");
        }
        if (!h.store().equals(store.toAbsolutePath().normalize())) {
            h.tracker().close();
            return Taken.none("the previous checkpoint is in another store");
        }
        return new Taken(h.tracker(), h.baselineId(), h.expectedCopy(), null);
    }

    /** The start time of {@code pid}, or -1 once it is gone. */
    private static long startTime(int pid) {
        try {
            return StatParser.read(pid).starttime();
        } catch (IOException gone) {
            return -1;
        }
    }

    @Override
    public synchronized void keep(DirtyTracker tracker, String checkpointId, Path store, long expectedCopy)
            throws IOException {
        try {
            Held old = held.put(tracker.pid(), new Held(tracker, checkpointId, store.toAbsolutePath().normalize(),
                    StatParser.read(tracker.pid()).starttime(), expectedCopy));
            if (old != null && old.tracker() != tracker) old.tracker().close();
            // processes of the tree that exited (or were replaced) since: their trackers only hold descriptors
            held.entrySet().removeIf(e -> {
                boolean gone = e.getValue().startTime() != startTime(e.getKey());
                if (gone) e.getValue().tracker().close();
                return gone;
            });
        } catch (IOException e) {
            tracker.close();
            throw e;
        }
    }

    /** Closes every tracker: the kernel stops tracking those processes. */
    @Override
    public synchronized void close() {
        held.values().forEach(h -> h.tracker().close());
        held.clear();
    }
}
