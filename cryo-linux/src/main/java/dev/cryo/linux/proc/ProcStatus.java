package dev.cryo.linux.proc;

import java.util.List;

/**
 * The fields of /proc/PID/status (or /proc/PID/task/TID/status) that checkpointing needs.
 *
 * <p>Signal sets and capability sets are the kernel's 64-bit masks (bit {@code n-1} is signal {@code n}; bit
 * {@code n} is capability {@code n}). {@code nsPid}, {@code nsTgid}, {@code nsPgid} and {@code nsSid} hold one id per
 * PID namespace level, outermost (the reader's) first; they are empty on kernels before 4.1. A field the kernel did
 * not print reads as -1 (numbers), 0 (masks) or "" (text).
 *
 * @param name  the command name, unescaped (status prints '\n' and '\\' escaped)
 * @param umask the file mode creation mask, -1 if not shown
 * @param state the state letter (R, S, D, T, t, Z, X, I...)
 */
public record ProcStatus(
        String name,
        int umask,
        char state,
        int tgid,
        int pid,
        int ppid,
        int tracerPid,
        Ids uid,
        Ids gid,
        List<Integer> groups,
        List<Integer> nsTgid,
        List<Integer> nsPid,
        List<Integer> nsPgid,
        List<Integer> nsSid,
        int threads,
        SigQ sigQ,
        long sigPnd,
        long shdPnd,
        long sigBlk,
        long sigIgn,
        long sigCgt,
        long capInh,
        long capPrm,
        long capEff,
        long capBnd,
        long capAmb,
        boolean noNewPrivs,
        int seccomp,
        int seccompFilters,
        String speculationStoreBypass
) {

    /** A credential quadruple as status prints it: real, effective, saved set, filesystem. */
    public record Ids(int real, int effective, int saved, int fs) {
        static final Ids UNKNOWN = new Ids(-1, -1, -1, -1);
    }

    /** SigQ: signals queued to the real uid, and that uid's RLIMIT_SIGPENDING. */
    public record SigQ(long queued, long limit) {
        static final SigQ UNKNOWN = new SigQ(-1, -1);
    }

    /** The PID of this task as seen from its own, innermost PID namespace. */
    public int innermostPid() {
        return nsPid.isEmpty() ? pid : nsPid.getLast();
    }

    /** True if the signal {@code signo} (1..64) is blocked. */
    public boolean isBlocked(int signo) {
        return (sigBlk >>> (signo - 1) & 1) != 0;
    }
}
