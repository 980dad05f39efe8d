package dev.cryo.engine;

import java.util.List;

/**
 * A restored, running process tree.
 *
 * @param pid  the root's PID as seen from the caller's PID namespace
 * @param pids every restored process, root first
 * @param warnings what the user should know (e.g. a descriptor that led outside and now goes to /dev/null)
 */
public record Restoration(int pid, List<Integer> pids, long restoreMillis, List<String> warnings, ExitWaiter exit) {

    /** Waits for the root to exit; only possible when not detached. */
    @FunctionalInterface
    public interface ExitWaiter {
        /** The root's exit code, or 128+signal when it was killed. */
        int await() throws InterruptedException;
    }
}
