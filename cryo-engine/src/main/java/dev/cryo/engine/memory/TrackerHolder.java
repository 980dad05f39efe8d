package dev.cryo.engine.memory;

import dev.cryo.engine.EngineException;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Whoever keeps a process's {@link DirtyTracker} between two of its checkpoints: a keeper process for each
 * tracked process ({@link TrackerKeeper#PROCESSES}, for one-shot {@code cryo checkpoint} commands), or a
 * long-lived supervisor holding the trackers itself ({@link InMemoryTrackers}, for {@code cryo run --every}).
 */
public interface TrackerHolder {

    /** What the previous checkpoint left for a process: a tracker and its baseline, or why there is none. */
    record Taken(DirtyTracker tracker, String baselineId, long expectedCopy, String missing) {
        /** Why there is no tracker. */
        public static Taken none(String why) {
            return new Taken(null, null, 0, why);
        }

        /** Nobody ever kept a tracker of the process (with this start time). */
        public static Taken never() {
            return none(NEVER);
        }

        public boolean isNew() {
            return NEVER.equals(missing);
        }

        private static final String NEVER = "no earlier incremental checkpoint of this process is being tracked";
    }

    /** Takes the tracker of {@code pid} back (the holder has it no more), for a checkpoint into {@code store}. */
    Taken take(int pid, Path store) throws IOException;

    /**
     * Takes ownership of {@code tracker} (closing it if it cannot keep it); the next checkpoint of the process
     * builds on {@code checkpointId}, and copies about {@code expectedCopy} bytes.
     */
    void keep(DirtyTracker tracker, String checkpointId, Path store, long expectedCopy)
            throws IOException, EngineException;
}
