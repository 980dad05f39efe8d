package dev.cryo.engine.inject;

import dev.cryo.engine.Faults;
import dev.cryo.linux.errno.ErrnoException;
import dev.cryo.linux.mem.RemoteMemory;
import dev.cryo.linux.ptrace.Ptrace;
import dev.cryo.linux.ptrace.UserRegs;
import dev.cryo.linux.syscall.SysNr;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * One thread's injected calls during a dump, arranged so that the thread, should cryo die at any instant
 * (SIGKILL, OOM killer), resumes exactly as it was stopped: when its tracer dies the kernel detaches the
 * thread and lets it run from whatever state it is in at that moment.
 *
 * <p>Before the first call, a signal frame with the thread's own registers (with the kernel's syscall
 * restart applied, see {@link SyscallRestart}), signal mask and xsave area is written on the thread's
 * stack, below its red zone (space the ABI leaves free: a signal handler's frame would go there). Every
 * call then runs from the {@link Trampoline}, with the stack pointer on that frame: a thread released
 * before, during or after a call completes the call and then returns into rt_sigreturn, which restores
 * all of it at once. The first call, {@code sigaltstack(NULL, &frame.uc_stack)}, fills in the one field
 * only the thread can tell (rt_sigreturn sets the alternate stack too), before any rt_sigreturn can run.
 *
 * <p>Signals are blocked only in this thread and only while it runs our calls (it passes through user
 * mode between two calls, where a handler must not run): the other threads stay in their ptrace stops,
 * where no handler runs, with their own masks. Every change is ordered so that each intermediate state is
 * safe: registers point at the trampoline before the mask is blocked; on {@link #close} the mask is put
 * back before the registers, and the stack bytes we borrowed last.
 */
public final class ThreadInjection {
    /** Room for injected calls' results, below the red zone. */
    public static final int RESULTS_SIZE = 8192;
    private static final int RED_ZONE = 128;
    // struct rt_sigframe (x86_64): pretcode, then struct ucontext; the xsave area follows, 64-byte aligned
    private static final int UC_FLAGS = 8, UC_STACK = 24, SIGCONTEXT = 48, UC_SIGMASK = 304, FPSTATE = 320;
    private static final long UC_FP_XSTATE = 1, UC_SIGCONTEXT_SS = 2, UC_STRICT_RESTORE_SS = 4;
    private static final int FP_XSTATE_MAGIC1 = 0x46505853, FP_XSTATE_MAGIC2 = 0x46505845;
    private static final int SW_RESERVED = 464; // the fxsave area's software bytes: struct _fpx_sw_bytes
    /** sigcontext's 18 general registers, in its order. */
    private static final int[] SIGCONTEXT_ORDER = {UserRegs.R8, UserRegs.R9, UserRegs.R10, UserRegs.R11, UserRegs.R12,
            UserRegs.R13, UserRegs.R14, UserRegs.R15, UserRegs.RDI, UserRegs.RSI, UserRegs.RBP, UserRegs.RBX, UserRegs.RDX,
            UserRegs.RAX, UserRegs.RCX, UserRegs.RSP, UserRegs.RIP, UserRegs.EFLAGS};

    private final int tid;
    private final UserRegs saved;
    private final long savedMask;
    private final RemoteMemory memory;
    private final long low;
    private final byte[] borrowed;
    private final long frame;
    private final long results;
    private final SyscallInjector injector;
    private boolean open = true;

    private ThreadInjection(int tid, UserRegs saved, long savedMask, RemoteMemory memory, long low, byte[] borrowed,
            long frame, long results, SyscallInjector injector) {
        this.tid = tid;
        this.saved = saved;
        this.savedMask = savedMask;
        this.memory = memory;
        this.low = low;
        this.borrowed = borrowed;
        this.frame = frame;
        this.results = results;
        this.injector = injector;
    }

    /**
     * Prepares thread {@code tid} (in a ptrace stop, with registers {@code saved} and signal mask
     * {@code savedMask}) for injected calls and blocks its signals.
     */
    public static ThreadInjection open(int tid, UserRegs saved, long savedMask, Trampoline trampoline,
            RemoteMemory memory) throws IOException {
        byte[] xstate = Ptrace.getXstate(tid);
        if (xstate.length < 576) throw new IOException("thread " + tid + ": xsave area of " + xstate.length + " bytes");
        int xstateSize = xstate.length;
        long top = saved.rsp() - RED_ZONE;
        long results = (top - RESULTS_SIZE) & ~63L;
        long frame = (results - FPSTATE - xstateSize - 4) & ~63L;
        byte[] borrowed;
        try {
            borrowed = memory.read(frame, (int) (top - frame));
        } catch (ErrnoException e) {
            throw new IOException("thread " + tid + ": no room on its stack below 0x" + Long.toHexString(saved.rsp())
                    + " for the injection frame (" + (top - frame) + " bytes)", e);
        }
        memory.write(frame, frameBytes(frame, saved, savedMask, xstate, xstateSize, (int) (results - frame)));
        Faults.point();
        SyscallInjector injector = new SyscallInjector(tid, saved.copy().set(UserRegs.RSP, frame + 8),
                trampoline.syscallInstruction(), SyscallInjector.Mode.SYSCALL_STOPS);
        injector.onStep(Faults::point);
        ThreadInjection t = new ThreadInjection(tid, saved, savedMask, memory, frame, borrowed, frame, results, injector);
        try {
            injector.prepare(SysNr.SIGALTSTACK, 0, frame + UC_STACK, 0, 0, 0, 0);
            Faults.point();
            // from here on a thread let go runs the trampoline: blocking its signals is safe now
            Ptrace.setSigmask(tid, -1L);
            Faults.point();
            long r = injector.complete(SysNr.SIGALTSTACK);
            if (r != 0) throw ErrnoException.of("sigaltstack in thread " + tid, (int) -r);
            return t;
        } catch (IOException | RuntimeException e) {
            t.closeQuietly();
            throw e;
        }
    }

    public int tid() {
        return tid;
    }

    public SyscallInjector injector() {
        return injector;
    }

    /** {@link #RESULTS_SIZE} bytes on the thread's stack where injected calls may write their results. */
    public long results() {
        return results;
    }

    /** Address of the thread's {@code stack_t} as sigaltstack reported it (in the recovery frame). */
    public long altstack() {
        return frame + UC_STACK;
    }

    /** Gives the thread its signal mask, registers and stack bytes back; it stays in its ptrace stop. */
    public void close() throws IOException {
        if (!open) return;
        Ptrace.setSigmask(tid, savedMask);
        Faults.point();
        Ptrace.setRegs(tid, saved);
        Faults.point();
        memory.write(low, borrowed);
        open = false;
    }

    private void closeQuietly() {
        try {
            close();
        } catch (IOException ignored) {
            // the thread is gone, or the caller's error says more
        }
    }

    /** The rt_sigframe that gives the thread back what it had: registers, mask, alternate stack, FPU state. */
    private static byte[] frameBytes(long frame, UserRegs saved, long mask, byte[] xstate, int xstateSize, int length) {
        ByteBuffer b = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(UC_FLAGS, UC_FP_XSTATE | UC_SIGCONTEXT_SS | UC_STRICT_RESTORE_SS);
        UserRegs resume = SyscallRestart.resumed(saved);
        for (int i = 0; i < SIGCONTEXT_ORDER.length; i++) {
            b.putLong(SIGCONTEXT + 8 * i, resume.get(SIGCONTEXT_ORDER[i]));
        }
        int selectors = SIGCONTEXT + 8 * SIGCONTEXT_ORDER.length; // cs, gs, fs, ss
        b.putShort(selectors, (short) resume.get(UserRegs.CS));
        b.putShort(selectors + 6, (short) resume.get(UserRegs.SS));
        b.putLong(selectors + 8 + 24 + 8, frame + FPSTATE); // after err, trapno, oldmask, cr2
        b.putLong(UC_SIGMASK, mask);
        b.put(FPSTATE, xstate, 0, xstateSize);
        // ptrace's layout keeps XCR0 in the software bytes; a signal frame describes itself there instead
        long xcr0 = ByteBuffer.wrap(xstate).order(ByteOrder.LITTLE_ENDIAN).getLong(SW_RESERVED);
        b.putInt(FPSTATE + SW_RESERVED, FP_XSTATE_MAGIC1).putInt(FPSTATE + SW_RESERVED + 4, xstateSize + 4)
                .putLong(FPSTATE + SW_RESERVED + 8, xcr0).putInt(FPSTATE + SW_RESERVED + 16, xstateSize);
        b.putInt(FPSTATE + xstateSize, FP_XSTATE_MAGIC2);
        return b.array();
    }
}
