package dev.cryo.engine;

import dev.cryo.linux.errno.ErrnoException;
import dev.cryo.linux.process.TaskAttributes;

/**
 * Once a leave-running checkpoint has let the application go, what is left (hashing, compressing and writing
 * what was copied out) is background work: the application needs the CPU more. So the checkpointing thread
 * drops to nice 19, and with it every thread it starts from then on (the store's workers, pack publisher,
 * index writer: Linux threads inherit their creator's nice value). On a machine whose cores the application
 * keeps busy, the write then takes longer instead of the application running slower. Since nice only ranks
 * threads within one scheduling group (a session's autogroup, a cpu cgroup), the thread can also move into a
 * cpu group of small weight ({@link BackgroundCpuGroup}), and its threads are born there. The thread gets its own
 * value and group back at {@link #close()}. {@code CRYO_WRITE_NICE} sets another value (0: as any other work,
 * in its own group); {@code CRYO_WRITE_CPU_GROUP=N} (1..19) moves it into the group weighted as nice N
 * (default 0: no group, see below).
 */
final class BackgroundPriority implements AutoCloseable {
    private static final int NICE = niceFromEnvironment("CRYO_WRITE_NICE", 19);
    // off unless asked for: in the group (at 10: 110 of 1024, ~10% of a core against one busy application) the
    // write got so little on a machine kept busy by other work (load 13 on 2 cores) that a cold supervisor took
    // over 30 s for three incrementals of a small group (IncrementalTreeIT); at 19 (15) a 1 GiB one took minutes
    private static final int GROUP_NICE = niceFromEnvironment("CRYO_WRITE_CPU_GROUP", 0);

    private final int before;          // the nice value to go back to, or NICE for unchanged
    private final BackgroundCpuGroup group;  // null: not moved

    private BackgroundPriority(int before, BackgroundCpuGroup group) {
        this.before = before;
        this.group = group;
    }

    /** Lowers the calling thread's priority; a no-op (null) where the kernel says no. */
    static BackgroundPriority enter() {
        if (NICE == 0) return null;
        int before = NICE;
        try {
            before = TaskAttributes.nice(0);
            if (before < NICE) TaskAttributes.setNice(0, NICE);
            else before = NICE;
        } catch (ErrnoException refused) {
            before = NICE; // best effort: the checkpoint is the same, only its share of the CPU differs
        }
        BackgroundCpuGroup group = BackgroundCpuGroup.join(Math.min(NICE, GROUP_NICE));
        return before == NICE && group == null ? null : new BackgroundPriority(before, group);
    }

    @Override
    public void close() {
        if (group != null) group.leave();
        if (before == NICE) return;
        try {
            TaskAttributes.setNice(0, before); // raising it back needs CAP_SYS_NICE, which cryo (root) has
        } catch (ErrnoException refused) {
            // without it the thread stays nice: slower later work, nothing wrong
        }
    }

    /** A nice value 0..19 from the environment variable {@code name}, or {@code otherwise}. */
    private static int niceFromEnvironment(String name, int otherwise) {
        String v = System.getenv(name);
        try {
            return v == null || v.isBlank() ? otherwise : Math.clamp(Integer.parseInt(v.strip()), 0, 19);
        } catch (NumberFormatException bad) {
            return otherwise;
        }
    }
}
