package dev.cryo.engine;

import dev.cryo.linux.errno.ErrnoException;
import dev.cryo.linux.process.TaskAttributes;

/**
 * Once a leave-running checkpoint has let the application go, what is left (hashing, compressing and writing
 * what was copied out) is background work: the application needs the CPU more. So the checkpointing thread
 * drops to nice 19, and with it every thread it starts from then on (the store's workers, pack publisher,
 * index writer: Linux threads inherit their creator's nice value). On a machine whose cores the application
 * keeps busy, the write then takes longer instead of the application running slower. The thread gets its
 * own value back at {@link #close()}. {@code CRYO_WRITE_NICE} sets another value (0: as any other work).
 */
final class BackgroundPriority implements AutoCloseable {
    private static final int NICE = niceFromEnvironment();

    private final int before;

    private BackgroundPriority(int before) {
        this.before = before;
    }

    /** Lowers the calling thread's priority; a no-op (null) where the kernel says no. */
    static BackgroundPriority enter() {
        try {
            int before = TaskAttributes.nice(0);
            if (before >= NICE) return null;
            TaskAttributes.setNice(0, NICE);
            return new BackgroundPriority(before);
        } catch (ErrnoException refused) {
            return null; // best effort: the checkpoint is the same, only its share of the CPU differs
        }
    }

    @Override
    public void close() {
        try {
            TaskAttributes.setNice(0, before); // raising it back needs CAP_SYS_NICE, which cryo (root) has
        } catch (ErrnoException refused) {
            // without it the thread stays nice: slower later work, nothing wrong
        }
    }

    private static int niceFromEnvironment() {
        String v = System.getenv("CRYO_WRITE_NICE");
        try {
            return v == null || v.isBlank() ? 19 : Math.clamp(Integer.parseInt(v.strip()), 0, 19);
        } catch (NumberFormatException bad) {
            return 19;
        }
    }
}
