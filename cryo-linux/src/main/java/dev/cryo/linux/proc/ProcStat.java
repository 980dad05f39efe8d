package dev.cryo.linux.proc;

/**
 * One line of /proc/PID/stat or /proc/PID/task/TID/stat (proc(5), "stat" table in
 * Documentation/filesystems/proc.rst). Field numbers in the comments are the 1-based numbers of proc(5).
 *
 * <p>Unsigned kernel values (addresses, {@code rsslim}, {@code flags}) keep their 64 bits in a {@code long}: an
 * unlimited {@code rsslim} is {@code -1} (RLIM_INFINITY). The address fields (26-28, 45-51) read as 0 when the
 * reader may not ptrace the task, and for kernel threads and zombies. {@code comm} is raw (not escaped) and may
 * contain spaces, parentheses and newlines.
 */
public record ProcStat(
        int pid,                // 1
        String comm,            // 2
        char state,             // 3
        int ppid,               // 4
        int pgrp,               // 5
        int session,            // 6
        int ttyNr,              // 7
        int tpgid,              // 8
        long flags,             // 9  PF_* flags
        long minflt,            // 10
        long majflt,            // 12
        long utime,             // 14 clock ticks
        long stime,             // 15 clock ticks
        long priority,          // 18
        long nice,              // 19
        int numThreads,         // 20
        long starttime,         // 22 clock ticks after boot
        long vsize,             // 23 bytes
        long rss,               // 24 pages
        long rsslim,            // 25 bytes, -1 = unlimited
        long startcode,         // 26
        long endcode,           // 27
        long startstack,        // 28
        int exitSignal,         // 38 (-1 for non-leader threads)
        int processor,          // 39
        int rtPriority,         // 40
        int policy,             // 41 SCHED_*
        long startData,         // 45
        long endData,           // 46
        long startBrk,          // 47
        long argStart,          // 48
        long argEnd,            // 49
        long envStart,          // 50
        long envEnd,            // 51
        int exitCode            // 52 waitpid status, 0 unless a zombie
) {

    /** True for a zombie (Z) or dead (X, x) task: its memory and files are gone. */
    public boolean isDead() {
        return state == 'Z' || state == 'X' || state == 'x';
    }

    /** True when the task is stopped by job control (T) or by a tracer (t). */
    public boolean isStopped() {
        return state == 'T' || state == 't';
    }
}
