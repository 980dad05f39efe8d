package dev.cryo.engine.threads;

import dev.cryo.engine.DumpSession;
import dev.cryo.engine.inject.SyscallInjector;
import dev.cryo.image.task.ThreadEntry;
import dev.cryo.linux.errno.Errno;
import dev.cryo.linux.process.TaskAttributes;
import dev.cryo.linux.ptrace.Ptrace;
import dev.cryo.linux.ptrace.UserRegs;
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

    /** Reads every thread's state. Signals must already be blocked (see {@link #blockSignals}). */
    public List<ThreadEntry> dump(DumpSession s, long[] savedMasks) throws IOException {
        List<ThreadEntry> out = new ArrayList<>();
        List<Integer> tids = s.process().tids();
        for (int i = 0; i < tids.size(); i++) {
            int tid = tids.get(i);
            SyscallInjector inj = s.injector(tid);
            inj.call("prctl(PR_GET_TID_ADDRESS)", SysNr.PRCTL, PR_GET_TID_ADDRESS, s.scratch(), 0);
            long ctid = s.memory().readLong(s.scratch());
            inj.call("sigaltstack", SysNr.SIGALTSTACK, 0, s.scratch() + 64, 0);
            ByteBuffer ss = ByteBuffer.wrap(s.memory().read(s.scratch() + 64, 24)).order(ByteOrder.LITTLE_ENDIAN);
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
     * Blocks every signal in every thread while we work on the process, so no handler runs in the middle
     * of an injected call; signals that arrive stay pending and are dumped as pending. Returns the masks
     * to put back.
     */
    public long[] blockSignals(List<Integer> tids) throws IOException {
        long[] masks = new long[tids.size()];
        for (int i = 0; i < tids.size(); i++) {
            masks[i] = Ptrace.getSigmask(tids.get(i));
            Ptrace.setSigmask(tids.get(i), -1L);
        }
        return masks;
    }

    public void restoreMasks(List<Integer> tids, long[] masks) {
        for (int i = 0; i < tids.size() && masks != null; i++) {
            try {
                Ptrace.setSigmask(tids.get(i), masks[i]);
            } catch (IOException ignored) {
                // the thread is gone
            }
        }
    }

    /**
     * The registers a thread must resume with after a restore. A thread stopped inside a syscall that the
     * kernel would restart gets rip back on the syscall instruction and rax = the syscall number, so it
     * runs again. That includes -ERESTART_RESTARTBLOCK (nanosleep, poll, futex with a timeout): the kernel's
     * restart block is gone after a restore, so the call is re-run with its original arguments instead of
     * failing with EINTR as CRIU does; for these waits a re-run is indistinguishable from a late wake-up.
     */
    static UserRegs normalized(UserRegs saved) {
        UserRegs r = saved.copy();
        long ax = r.rax();
        if (r.origRax() >= 0 && (ax == -Errno.ERESTARTSYS.number() || ax == -Errno.ERESTARTNOINTR.number()
                || ax == -Errno.ERESTARTNOHAND.number() || ax == -Errno.ERESTART_RESTARTBLOCK.number())) {
            r.set(UserRegs.RAX, r.origRax()).set(UserRegs.RIP, r.rip() - 2);
        }
        r.set(UserRegs.ORIG_RAX, -1);
        return r;
    }

    private static String comm(int pid, int tid) throws IOException {
        return Files.readString(Path.of("/proc/" + pid + "/task/" + tid + "/comm")).strip();
    }
}
