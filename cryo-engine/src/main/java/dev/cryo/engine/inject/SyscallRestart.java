package dev.cryo.engine.inject;

import dev.cryo.linux.errno.Errno;
import dev.cryo.linux.ptrace.UserRegs;

/**
 * What the kernel does to a thread stopped inside an interrupted system call when it resumes without a
 * signal handler to run: a call it would restart is re-run (rip back on the {@code syscall} instruction,
 * rax = the call's number). Needed wherever a thread resumes other than by the kernel's own restart logic:
 * after a restore, and through the recovery frame of {@link ThreadInjection}.
 */
public final class SyscallRestart {
    private SyscallRestart() {}

    /**
     * The registers to resume with, without the kernel's help. That includes -ERESTART_RESTARTBLOCK
     * (nanosleep, poll, futex with a timeout): the call is re-run with its original arguments instead of
     * going through restart_syscall (whose restart block a restore or a sigreturn does not keep); for these
     * waits a re-run is indistinguishable from a late wake-up.
     */
    public static UserRegs resumed(UserRegs saved) {
        UserRegs r = saved.copy();
        long ax = r.rax();
        if (r.origRax() >= 0 && (ax == -Errno.ERESTARTSYS.number() || ax == -Errno.ERESTARTNOINTR.number()
                || ax == -Errno.ERESTARTNOHAND.number() || ax == -Errno.ERESTART_RESTARTBLOCK.number())) {
            r.set(UserRegs.RAX, r.origRax()).set(UserRegs.RIP, r.rip() - 2);
        }
        r.set(UserRegs.ORIG_RAX, -1);
        return r;
    }
}
