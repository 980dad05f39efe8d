package dev.cryo.engine.freeze;

import dev.cryo.engine.EngineException;
import dev.cryo.engine.Faults;
import dev.cryo.linux.errno.ErrnoException;
import dev.cryo.linux.errno.NoSuchProcessException;
import dev.cryo.linux.proc.StatParser;
import dev.cryo.linux.process.TaskAttributes;
import dev.cryo.linux.ptrace.Ptrace;
import dev.cryo.linux.ptrace.UserRegs;
import dev.cryo.linux.ptrace.Wait;
import dev.cryo.linux.ptrace.WaitStatus;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;

/**
 * Stops every thread of a process in a ptrace stop (PTRACE_SEIZE + PTRACE_INTERRUPT), and lets them go
 * again exactly as they were. Threads created while seizing are caught by TRACECLONE; the task list is
 * read again until it is stable. Runs on the process's {@link Tracer} thread.
 */
public final class ProcessFreezer {
    /**
     * TRACESYSGOOD also keeps a thread that a dying cryo leaves in a syscall stop alive: on resuming, the
     * kernel sends the thread the stop's code as a signal (ptrace_report_syscall), SIGTRAP without this
     * option, SIGTRAP|0x80 with it, which is no valid signal and is dropped. TRACEFORK: a fork racing the
     * freeze of a tree is caught.
     */
    static final long OPTIONS = Ptrace.O_TRACESYSGOOD | Ptrace.O_TRACECLONE | Ptrace.O_TRACEFORK;

    private final int pid;
    private final List<Integer> seized = new ArrayList<>();
    /** Processes forked while freezing, shared by the freezers of one tree: attached by the kernel already. */
    private final Set<Integer> forked;

    public ProcessFreezer(int pid) {
        this(pid, new HashSet<>());
    }

    /** A freezer for one process of a tree; {@code forked} collects children born during the freeze. */
    public ProcessFreezer(int pid, Set<Integer> forked) {
        this.pid = pid;
        this.forked = forked;
    }

    public FrozenProcess freeze() throws EngineException, IOException {
        Map<Integer, UserRegs> regs = new LinkedHashMap<>();
        for (int round = 0; ; round++) {
            List<Integer> tids = tasks();
            boolean added = false;
            for (int tid : tids) {
                if (seized.contains(tid)) continue;
                if (forked.remove(tid)) {
                    // auto-attached at its fork: it reports a PTRACE_EVENT_STOP of its own
                    seized.add(tid);
                    added = true;
                    continue;
                }
                try {
                    Ptrace.seize(tid, OPTIONS);
                } catch (NoSuchProcessException gone) {
                    continue; // the thread exited between listing and seizing
                } catch (ErrnoException e) {
                    if (tid == pid && e.code() == dev.cryo.linux.errno.Errno.EPERM) {
                        throw new EngineException("checkpoint: pid " + pid + ": cannot trace it (" + e.getMessage()
                                + "; is it already traced by a debugger or another cryo?)");
                    }
                    throw e;
                }
                seized.add(tid);
                Faults.point();
                Ptrace.interrupt(tid);
                added = true;
            }
            for (int tid : seized) {
                if (!regs.containsKey(tid)) {
                    awaitInterruptStop(tid);
                    regs.put(tid, Ptrace.getRegs(tid));
                    Faults.point();
                }
            }
            if (!added && round > 0) break;
            if (round > 100) throw new EngineException("checkpoint: pid " + pid + ": threads keep appearing");
        }
        seized.removeIf(t -> !regs.containsKey(t));
        return new FrozenProcess(pid, List.copyOf(seized), regs);
    }

    private void awaitInterruptStop(int tid) throws IOException, EngineException {
        for (boolean looked = false; ; ) {
            WaitStatus st = Wait.waitpid(tid, Wait.WALL | (looked ? 0 : Wait.WNOHANG));
            if (st.pid() == 0) {
                // not stopped yet: a thread in an uninterruptible sleep may never stop (a vfork parent waits
                // for its child to exec or exit, and that child may be frozen too): wait for it, bounded
                looked = true;
                if (StatParser.read(tid).state() == 'D') st = awaitUninterruptible(tid);
                else continue;
            }
            if (st.gone()) throw new NoSuchProcessException("thread " + tid + " exited while freezing");
            if (st.event() == Ptrace.EVENT_STOP) return;
            if (st.event() == Ptrace.EVENT_CLONE) {
                // a thread being born: it is auto-attached and will report its own stop; keep this one going
                int child = (int) Ptrace.eventMessage(tid);
                if (!seized.contains(child)) seized.add(child);
                Ptrace.cont(tid, 0);
                continue;
            }
            if (st.event() == Ptrace.EVENT_FORK) {
                // a child process being born: attached to us, it stops on its own; the tree freezer finds it
                forked.add((int) Ptrace.eventMessage(tid));
                Ptrace.cont(tid, 0);
                continue;
            }
            if (st.stopped()) {
                // a signal arrived before our interrupt: deliver it on resume, keep waiting for the interrupt
                Ptrace.cont(tid, st.stopSignal() == (dev.cryo.linux.process.Signals.SIGTRAP | 0x80) ? 0 : st.stopSignal());
            }
        }
    }

    /**
     * Polls for the stop of a thread in an uninterruptible sleep (an I/O ends soon; an interrupt is reported
     * when it does); after {@link #UNINTERRUPTIBLE_TIMEOUT_NANOS} the checkpoint is refused, naming the
     * vfork child it waits for if that is why. The thread is left as it was: it stops for us only if
     * it wakes before we let it go, and the kernel detaches it when our tracer thread ends.
     */
    private WaitStatus awaitUninterruptible(int tid) throws IOException, EngineException {
        long deadline = System.nanoTime() + UNINTERRUPTIBLE_TIMEOUT_NANOS;
        for (int polls = 0; ; polls++) {
            WaitStatus st = Wait.waitpid(tid, Wait.WALL | Wait.WNOHANG);
            if (st.pid() != 0) return st;
            if (System.nanoTime() > deadline) {
                for (int child : childrenOf(tid)) {
                    if (TaskAttributes.sameVm(tid, child)) {
                        throw new EngineException("checkpoint: pid " + pid + ": it waits in vfork for its child " + child
                                + " to exec or exit; a process in vfork cannot be checkpointed (try again once it has)");
                    }
                }
                throw new EngineException("checkpoint: pid " + pid + ": thread " + tid + " stayed in an uninterruptible"
                        + " sleep (state D) for " + UNINTERRUPTIBLE_TIMEOUT_NANOS / 1_000_000_000 + " s");
            }
            // most such sleeps end at once (a task of a group just thawed by the cgroup freezer): look often first
            LockSupport.parkNanos(polls < 20 ? 50_000 : 1_000_000);
        }
    }

    private static final long UNINTERRUPTIBLE_TIMEOUT_NANOS = 2_000_000_000L;

    private static List<Integer> childrenOf(int tid) throws IOException {
        List<Integer> out = new ArrayList<>();
        try {
            String s = Files.readString(Path.of("/proc/" + tid + "/task/" + tid + "/children")).strip();
            if (!s.isEmpty()) for (String c : s.split("\\s+")) out.add(Integer.parseInt(c));
        } catch (NoSuchFileException gone) {
            // exited meanwhile
        }
        return out;
    }

    /** Lets every seized thread go, with the registers it had when it was stopped. */
    public void thaw(FrozenProcess frozen) {
        for (int tid : seized) {
            try {
                UserRegs r = frozen == null ? null : frozen.registers().get(tid);
                if (r != null) Ptrace.setRegs(tid, r);
                Faults.point();
                Ptrace.detach(tid, 0);
                Faults.point();
            } catch (IOException ignored) {
                // the thread is gone: nothing to resume
            }
        }
        seized.clear();
    }

    public List<Integer> tasks() throws IOException {
        List<Integer> tids = new ArrayList<>();
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(Path.of("/proc/" + pid + "/task"))) {
            for (Path p : dir) tids.add(Integer.parseInt(p.getFileName().toString()));
        } catch (NoSuchFileException e) {
            throw new NoSuchProcessException("pid " + pid);
        }
        tids.sort(null);
        // the main thread first: it is the one we inject into
        if (tids.remove(Integer.valueOf(pid))) tids.addFirst(pid);
        return tids;
    }
}
