package dev.cryo.linux.process;

import dev.cryo.linux.errno.ErrnoException;
import dev.cryo.linux.syscall.SysNr;
import dev.cryo.linux.syscall.Syscall;

/** Sending signals to processes and threads. */
public final class Signals {
    public static final int SIGHUP = 1, SIGINT = 2, SIGQUIT = 3, SIGILL = 4, SIGTRAP = 5, SIGABRT = 6, SIGBUS = 7,
            SIGFPE = 8, SIGKILL = 9, SIGUSR1 = 10, SIGSEGV = 11, SIGUSR2 = 12, SIGPIPE = 13, SIGALRM = 14,
            SIGTERM = 15, SIGCHLD = 17, SIGCONT = 18, SIGSTOP = 19, SIGTSTP = 20, SIGTTIN = 21, SIGTTOU = 22;

    private Signals() {}

    public static void kill(int pid, int signal) throws ErrnoException {
        Syscall.call("kill(" + pid + ", " + signal + ")", SysNr.KILL, pid, signal);
    }

    public static void tgkill(int tgid, int tid, int signal) throws ErrnoException {
        Syscall.call("tgkill(" + tid + ", " + signal + ")", SysNr.TGKILL, tgid, tid, signal);
    }

    /** True if a process with this PID exists (zombies included). */
    public static boolean exists(int pid) {
        long r = Syscall.raw(SysNr.KILL, pid, 0, 0, 0, 0, 0);
        return r == 0 || r == -1; // EPERM means it exists
    }
}
