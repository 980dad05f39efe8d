package dev.cryo.linux.process;

import dev.cryo.linux.errno.ErrnoException;
import dev.cryo.linux.syscall.Scratch;
import dev.cryo.linux.syscall.SysNr;
import dev.cryo.linux.syscall.Syscall;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Per-task kernel state that can be read and set from outside the task (no injection needed):
 * robust futex list, resource limits, scheduling policy and nice value.
 */
public final class TaskAttributes {
    private TaskAttributes() {}

    private static final int KCMP_VM = 1;

    /** Whether two processes share one address space (a vfork child and its parent, or CLONE_VM). */
    public static boolean sameVm(int pid1, int pid2) throws ErrnoException {
        return Syscall.call("kcmp KCMP_VM (pids " + pid1 + ", " + pid2 + ")", SysNr.KCMP, pid1, pid2, KCMP_VM, 0, 0, 0) == 0;
    }

    /** The robust futex list of a thread: {head, length}. */
    public static long[] robustList(int tid) throws ErrnoException {
        MemorySegment s = Scratch.get();
        Syscall.call("get_robust_list (tid " + tid + ")", SysNr.GET_ROBUST_LIST, tid, s.address(), s.address() + 8);
        return new long[] {s.get(ValueLayout.JAVA_LONG, 0), s.get(ValueLayout.JAVA_LONG, 8)};
    }

    /** {soft, hard} of an RLIMIT_* resource; RLIM_INFINITY reads as -1. */
    public static long[] rlimit(int pid, int resource) throws ErrnoException {
        MemorySegment s = Scratch.get();
        Syscall.call("prlimit (pid " + pid + ", resource " + resource + ")", SysNr.PRLIMIT64, pid, resource, 0,
                s.address());
        return new long[] {s.get(ValueLayout.JAVA_LONG, 0), s.get(ValueLayout.JAVA_LONG, 8)};
    }

    public static void setRlimit(int pid, int resource, long soft, long hard) throws ErrnoException {
        MemorySegment s = Scratch.get();
        s.set(ValueLayout.JAVA_LONG, 0, soft);
        s.set(ValueLayout.JAVA_LONG, 8, hard);
        Syscall.call("prlimit (pid " + pid + ", resource " + resource + ")", SysNr.PRLIMIT64, pid, resource,
                s.address(), 0);
    }

    /** Number of RLIMIT_* resources (RLIMIT_RTTIME is 15). */
    public static final int RLIMIT_COUNT = 16;

    public static int schedPolicy(int tid) throws ErrnoException {
        return (int) Syscall.call("sched_getscheduler (tid " + tid + ")", SysNr.SCHED_GETSCHEDULER, tid);
    }

    public static int schedPriority(int tid) throws ErrnoException {
        MemorySegment s = Scratch.get();
        Syscall.call("sched_getparam (tid " + tid + ")", 143, tid, s.address());
        return s.get(ValueLayout.JAVA_INT, 0);
    }

    public static void setScheduler(int tid, int policy, int priority) throws ErrnoException {
        MemorySegment s = Scratch.get();
        s.set(ValueLayout.JAVA_INT, 0, priority);
        Syscall.call("sched_setscheduler (tid " + tid + ")", SysNr.SCHED_SETSCHEDULER, tid, policy, s.address());
    }

    /** The nice value (-20..19) of a thread. */
    public static int nice(int tid) throws ErrnoException {
        // the raw syscall returns 20 - nice so that it is never negative
        return 20 - (int) Syscall.call("getpriority (tid " + tid + ")", SysNr.GETPRIORITY, 0, tid);
    }

    public static void setNice(int tid, int nice) throws ErrnoException {
        Syscall.call("setpriority (tid " + tid + ")", SysNr.SETPRIORITY, 0, tid, nice);
    }
}
