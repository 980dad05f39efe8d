package dev.cryo.engine.threads;

import dev.cryo.engine.DumpSession;
import dev.cryo.engine.Faults;
import dev.cryo.engine.RestoreSession;
import dev.cryo.engine.inject.SyscallInjector;
import dev.cryo.engine.inject.SyscallRestart;
import dev.cryo.image.task.ThreadEntry;
import dev.cryo.linux.errno.ErrnoException;
import dev.cryo.linux.process.TaskAttributes;
import dev.cryo.linux.ptrace.Ptrace;
import dev.cryo.linux.ptrace.UserRegs;
import dev.cryo.linux.ptrace.Wait;
import dev.cryo.linux.ptrace.WaitStatus;
import dev.cryo.linux.syscall.SysNr;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Threads: registers, the xsave area, signal mask, pending signals, the clear_child_tid address,
 * robust futex list, rseq registration and alternate signal stack.
 */
public final class ThreadHandler {
    private static final int PR_GET_TID_ADDRESS = 40;

    /**
     * Reads every thread's state, by calls injected into each thread in turn (see {@link DumpSession#injector}).
     *
     * @param savedMasks the threads' signal masks as frozen ({@link #masks})
     */
    public List<ThreadEntry> dump(DumpSession s, long[] savedMasks) throws IOException {
        List<ThreadEntry> out = new ArrayList<>();
        List<Integer> tids = s.process().tids();
        for (int i = 0; i < tids.size(); i++) {
            int tid = tids.get(i);
            SyscallInjector inj = s.injector(tid);
            inj.call("prctl(PR_GET_TID_ADDRESS)", SysNr.PRCTL, PR_GET_TID_ADDRESS, s.scratch(), 0);
            long ctid = s.memory().readLong(s.scratch());
            ByteBuffer ss = ByteBuffer.wrap(s.memory().read(s.altstack(), 24)).order(ByteOrder.LITTLE_ENDIAN);
            long ssSp = ss.getLong(0), ssSize = ss.getLong(16);
            int ssFlags = ss.getInt(8);
            long[] robust = TaskAttributes.robustList(tid);
            Ptrace.RseqConfig rseq = Ptrace.rseqConfig(tid);
            List<byte[]> pending = Arrays.asList(Ptrace.peekSiginfo(tid, false));
            out.add(new ThreadEntry(tid, comm(s.pid(), tid), normalized(s.process().registers().get(tid)).toArray(),
                    Ptrace.getXstate(tid), savedMasks[i], ctid, robust[0], robust[1], rseq.address(), rseq.length(),
                    rseq.signature(), ssSp, ssSize, ssFlags & ~1 /* SS_ONSTACK is a state, not a setting */,
                    List.copyOf(pending)));
        }
        return out;
    }

    /**
     * Every thread's signal mask, as frozen. Nothing is blocked here: a thread has its signals blocked only
     * while calls are injected into it (see {@link dev.cryo.engine.inject.ThreadInjection}).
     */
    public long[] masks(List<Integer> tids) throws IOException {
        long[] masks = new long[tids.size()];
        for (int i = 0; i < tids.size(); i++) masks[i] = Ptrace.getSigmask(tids.get(i));
        return masks;
    }

    /** Puts the masks back (after a failure: a thread may have been left with its signals blocked). */
    public void restoreMasks(List<Integer> tids, long[] masks) {
        for (int i = 0; i < tids.size() && masks != null; i++) {
            try {
                Ptrace.setSigmask(tids.get(i), masks[i]);
            } catch (IOException ignored) {
                // the thread is gone
            }
        }
    }

    /** The registers a thread must resume with after a restore (see {@link SyscallRestart#resumed}). */
    static UserRegs normalized(UserRegs saved) {
        return SyscallRestart.resumed(saved);
    }

    private static String comm(int pid, int tid) throws IOException {
        return Files.readString(Path.of("/proc/" + pid + "/task/" + tid + "/comm")).strip();
    }

    // ---------------------------------------------------------------- restore

    private static final long CLONE_THREAD_FLAGS = 0x100 | 0x200 | 0x400 | 0x800 | 0x10000 | 0x40000;
    private static final int PR_SET_NAME = 15, SS_DISABLE = 2, RSEQ_SIGNATURE_UNUSED = 0;

    /**
     * Creates the other threads from inside the process with clone3 and set_tid, so each gets its
     * recorded TID. A new thread starts in a ptrace stop (TRACECLONE) and never runs its own code
     * before it has been given its registers.
     */
    public void createThreads(RestoreSession s) throws IOException {
        List<ThreadEntry> threads = s.image().threads();
        for (ThreadEntry t : threads.subList(1, threads.size())) {
            s.resetArgs();
            long tidArray = s.put(le(8, b -> b.putInt(t.tid())));
            long args = s.put(le(88, b -> b.putLong(CLONE_THREAD_FLAGS).putLong(0).putLong(0).putLong(0).putLong(0)
                    .putLong(s.scratch() + RestoreSession.ARGS_END).putLong(RestoreSession.STACK_TOP - RestoreSession.ARGS_END)
                    .putLong(0).putLong(tidArray).putLong(1).putLong(0)));
            int[] outer = {0};
            s.main().onClone(newTid -> outer[0] = newTid); // the new thread's TID in our namespace
            long r = s.main().raw(SysNr.CLONE3, args, 88, 0, 0, 0, 0);
            if (r == -dev.cryo.linux.errno.Errno.EEXIST.number()) {
                throw new IOException("thread id " + t.tid() + " is in use by another process");
            }
            if (r < 0) throw ErrnoException.of("clone3 (thread " + t.tid() + ")", (int) -r);
            if (r != t.tid()) throw new IOException("clone3 gave thread id " + r + " instead of " + t.tid());
            if (outer[0] == 0) throw new IOException("clone3 (thread " + t.tid() + "): no clone event");
            WaitStatus st = Wait.waitpid(outer[0], Wait.WALL);
            if (!st.stopped()) throw new IOException("new thread " + t.tid() + ": " + st);
            s.adopt(t.tid(), outer[0]);
        }
    }

    /** Per-thread kernel state: tid address, robust list, rseq, alternate stack, name, xsave area. */
    public void restoreState(RestoreSession s) throws IOException {
        for (ThreadEntry t : s.image().threads()) {
            SyscallInjector inj = s.injector(t.tid());
            inj.call("set_tid_address", SysNr.SET_TID_ADDRESS, t.clearChildTid(), 0, 0);
            if (t.robustListHead() != 0) {
                inj.call("set_robust_list", SysNr.SET_ROBUST_LIST, t.robustListHead(), t.robustListLength(), 0);
            }
            if (t.rseqAddress() != 0) {
                long r = inj.raw(SysNr.RSEQ, t.rseqAddress(), t.rseqLength(), 0, t.rseqSignature(), 0, 0);
                if (r == -dev.cryo.linux.errno.Errno.EINVAL.number()) {
                    // the kernel checks the cpu id fields on registration: mark them uninitialised
                    s.memory().write(t.rseqAddress(), le(8, b -> b.putInt(0).putInt(-1)));
                    r = inj.raw(SysNr.RSEQ, t.rseqAddress(), t.rseqLength(), 0, t.rseqSignature(), 0, 0);
                }
                if (r < 0) throw ErrnoException.of("rseq registration (thread " + t.tid() + ")", (int) -r);
            }
            if ((t.altstackFlags() & SS_DISABLE) == 0 && t.altstackSize() != 0) {
                s.resetArgs();
                inj.call("sigaltstack", SysNr.SIGALTSTACK,
                        s.put(le(24, b -> b.putLong(t.altstackSp()).putInt(t.altstackFlags()).putInt(0).putLong(t.altstackSize()))), 0, 0);
            }
            s.resetArgs();
            inj.call("prctl(PR_SET_NAME)", SysNr.PRCTL, PR_SET_NAME, s.putString(t.comm()), 0);
            Ptrace.setXstate(s.outer(t.tid()), t.xstate());
        }
    }

    /**
     * Ends the shaping: the last injected call unmaps the scratch area and leaves the main thread at the
     * syscall's exit (it never returns into the unmapped code); every thread gets its recorded registers
     * and signal mask, and all are let go.
     */
    public void finish(RestoreSession s) throws IOException {
        long r = s.main().finalCall(SysNr.MUNMAP, s.scratch(), RestoreSession.SCRATCH_SIZE);
        if (r != 0) throw ErrnoException.of("munmap scratch", (int) -r);
        for (ThreadEntry t : s.image().threads()) {
            Ptrace.setRegs(s.outer(t.tid()), new UserRegs(t.regs()));
            Ptrace.setSigmask(s.outer(t.tid()), t.sigmask());
        }
        Faults.point();
        // until the last detach a cryo that dies takes the whole process with it (EXITKILL: SIGKILL is process-wide)
        for (ThreadEntry t : s.image().threads()) {
            Ptrace.detach(s.outer(t.tid()), 0);
            Faults.point();
        }
    }

    private static byte[] le(int size, java.util.function.Consumer<ByteBuffer> fill) {
        ByteBuffer b = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        fill.accept(b);
        return b.array();
    }
}
