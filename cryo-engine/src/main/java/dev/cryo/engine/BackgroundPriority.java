package dev.cryo.engine;

import dev.cryo.linux.errno.ErrnoException;
import dev.cryo.linux.process.TaskAttributes;

/**
 * Once a leave-running checkpoint has let the application go, what is left (hashing, compressing and writing
 * what was copied out) is background work: the application needs the CPU more. So the checkpointing thread
 * drops to nice 19, and with it every thread it starts from then on (the store's workers, pack publisher,
 * index writer: Linux threads inherit their creator's nice value). On a machine whose cores the application
 * keeps busy, the write then takes longer instead of the application running slower. Since nice only ranks
 * threads within one scheduling group (a session's autogroup, a cpu cgroup), the thread also moves into a cpu
 * group that weighs what the nice value weighs ({@link BackgroundCpuGroup}), and its threads are born there. The thread gets its own value and group back
 * at {@link #close()}. {@code CRYO_WRITE_NICE} sets another value (0: as any other work, in its own group);
 * {@code CRYO_WRITE_CPU_GROUP=N} the group's weight as a nice value (default 10; 0: no group, for comparing).
 */
final class BackgroundPriority implements AutoCloseable {
    private static final int NICE = niceFromEnvironment();
    private static final int GROUP_NICE = groupNiceFromEnvironment();

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

    /**
     * The group weighs as a thread of nice 10 (110 of 1024: ~10% of a core against one busy application), not 19
     * (15): with 19 a machine kept busy by other work starved the write for minutes, and --every with it.
     */
    private static int groupNiceFromEnvironment() {
        String v = System.getenv("CRYO_WRITE_CPU_GROUP");
        try {
            return v == null || v.isBlank() ? 10 : Math.clamp(Integer.parseInt(v.strip()), 0, 19);
        } catch (NumberFormatException bad) {
            return 10;
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
