package dev.cryo.engine.inject;

import dev.cryo.linux.errno.ErrnoException;
import dev.cryo.linux.process.Signals;
import dev.cryo.linux.ptrace.Ptrace;
import dev.cryo.linux.ptrace.UserRegs;
import dev.cryo.linux.ptrace.Wait;
import dev.cryo.linux.ptrace.WaitStatus;

import java.io.IOException;

/**
 * Makes a stopped, traced thread perform one system call on our behalf: point rip at a {@code syscall}
 * instruction, load rax and the arguments, set orig_rax = -1 (else the kernel's syscall-restart logic
 * rewrites rip and rax of a task that was stopped inside a syscall), run it, read rax.
 *
 * <p>Two ways to run it: {@link Mode#SYSCALL_STOPS} resumes with PTRACE_SYSCALL to the entry and the exit
 * stop (works with any {@code syscall} instruction, e.g. one found in the vdso: used while dumping, where
 * the process's memory must not be changed); {@link Mode#INT3} resumes with PTRACE_CONT and waits for the
 * SIGTRAP of an {@code int3} that follows the instruction (one stop instead of two: used while restoring,
 * with the {@code 0f 05 cc} we place in a scratch page).
 *
 * <p>Must be used on the thread's {@link dev.cryo.engine.freeze.Tracer} thread.
 */
public final class SyscallInjector {
    public enum Mode { SYSCALL_STOPS, INT3 }

    private static final int SIGTRAP = Signals.SIGTRAP;

    private final int tid;
    private final UserRegs template;
    private long instruction;
    private Mode mode;
    private CloneListener cloneListener = tid -> { };
    private Runnable step = () -> { };

    /**
     * @param template    registers to start each call from (the thread's own, saved; only rip, rax,
     *                    orig_rax and the argument registers are replaced)
     * @param instruction address of a {@code syscall} instruction in the thread's address space
     */
    public SyscallInjector(int tid, UserRegs template, long instruction, Mode mode) {
        this.tid = tid;
        this.template = template.copy();
        this.instruction = instruction;
        this.mode = mode;
    }

    public int tid() {
        return tid;
    }

    /** Switches to another syscall instruction (e.g. from the vdso's to the scratch page's). */
    public void use(long instruction, Mode mode) {
        this.instruction = instruction;
        this.mode = mode;
    }

    /** Called with the new thread's tid when an injected clone creates a thread (PTRACE_EVENT_CLONE). */
    public void onClone(CloneListener listener) {
        this.cloneListener = listener;
    }

    /**
     * Called between the steps of every call (registers set, entry stop, exit stop): the fault-injection
     * hooks that prove a dump survives cryo dying at any of them.
     */
    public void onStep(Runnable step) {
        this.step = step;
    }

    /** Performs the call and returns the raw result (negative errno on failure). */
    public long raw(long nr, long a1, long a2, long a3, long a4, long a5, long a6) throws IOException {
        prepare(nr, a1, a2, a3, a4, a5, a6);
        step.run();
        return complete(nr);
    }

    /** First half of {@link #raw}: loads the call into the stopped thread's registers, without running it. */
    public void prepare(long nr, long a1, long a2, long a3, long a4, long a5, long a6) throws IOException {
        UserRegs r = template.copy()
                .set(UserRegs.RIP, instruction).set(UserRegs.RAX, nr).set(UserRegs.ORIG_RAX, -1)
                .set(UserRegs.RDI, a1).set(UserRegs.RSI, a2).set(UserRegs.RDX, a3)
                .set(UserRegs.R10, a4).set(UserRegs.R8, a5).set(UserRegs.R9, a6);
        Ptrace.setRegs(tid, r);
    }

    /** Second half of {@link #raw}: runs the call loaded by {@link #prepare} and returns its raw result. */
    public long complete(long nr) throws IOException {
        if (mode == Mode.INT3) {
            Ptrace.cont(tid, 0);
            WaitStatus st = awaitStop();
            if (st.stopSignal() != SIGTRAP || st.event() != 0) {
                throw new InjectionException(tid, nr, "unexpected " + st);
            }
        } else {
            for (int stop = 0; stop < 2; stop++) {
                Ptrace.syscall(tid, 0);
                WaitStatus st = awaitStop();
                if (st.stopSignal() != (SIGTRAP | 0x80)) {
                    throw new InjectionException(tid, nr, "unexpected " + st);
                }
                step.run();
            }
        }
        return Ptrace.getRegs(tid).rax();
    }

    /** Performs the call; a negative result becomes an {@link ErrnoException} named {@code what}. */
    public long call(String what, long nr, long a1, long a2, long a3, long a4, long a5, long a6) throws IOException {
        long r = raw(nr, a1, a2, a3, a4, a5, a6);
        if (r < 0 && r >= -4095) {
            throw ErrnoException.of(what + " in pid " + tid, (int) -r);
        }
        return r;
    }

    public long call(String what, long nr, long a1, long a2, long a3) throws IOException {
        return call(what, nr, a1, a2, a3, 0, 0, 0);
    }

    public long call(String what, long nr, long a1, long a2, long a3, long a4) throws IOException {
        return call(what, nr, a1, a2, a3, a4, 0, 0);
    }

    /** Runs the last call with syscall stops, leaving the thread at the syscall-exit stop (never returning to rip). */
    public long finalCall(long nr, long a1, long a2) throws IOException {
        Mode saved = mode;
        mode = Mode.SYSCALL_STOPS;
        try {
            return raw(nr, a1, a2, 0, 0, 0, 0);
        } finally {
            mode = saved;
        }
    }

    /** Puts the thread's own registers back. */
    public void restoreRegisters() throws ErrnoException {
        Ptrace.setRegs(tid, template);
    }

    private WaitStatus awaitStop() throws IOException {
        for (;;) {
            WaitStatus st = Wait.waitpid(tid, Wait.WALL);
            if (st.gone()) {
                throw new InjectionException(tid, -1, "thread died: " + st);
            }
            if (st.event() == Ptrace.EVENT_CLONE) {
                cloneListener.cloned((int) Ptrace.eventMessage(tid));
                Ptrace.cont(tid, 0);
                continue;
            }
            return st;
        }
    }

    @FunctionalInterface
    public interface CloneListener {
        void cloned(int newTid) throws IOException;
    }
}
