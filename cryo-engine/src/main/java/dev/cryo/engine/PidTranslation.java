package dev.cryo.engine;

import dev.cryo.image.fd.FdEntry;
import dev.cryo.image.fd.InheritedFd;
import dev.cryo.image.fd.UnixSocketFd;
import dev.cryo.image.task.PosixTimerEntry;
import dev.cryo.image.task.ProcessEntry;
import dev.cryo.image.task.ThreadEntry;
import dev.cryo.linux.proc.ProcStatus;
import dev.cryo.linux.proc.StatusParser;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A group lives in a PID namespace of its own: its image records every PID, TID, group and session as
 * seen inside it (what its processes see and what a restore into a new namespace re-creates), read from
 * the NSpid, NSpgid and NSsid lines of /proc while the tree is frozen.
 */
final class PidTranslation {
    private final Map<Integer, Integer> inner = new HashMap<>();
    private final Map<Integer, int[]> groupAndSession = new HashMap<>();

    /** Reads the inner ids of every process and thread of {@code processes} (outer PIDs), and of init. */
    static PidTranslation read(List<ProcessEntry> processes, int initPid) throws IOException {
        PidTranslation t = new PidTranslation();
        t.inner.put(initPid, 1);
        for (ProcessEntry p : processes) {
            ProcStatus st = StatusParser.read(p.pid());
            t.inner.put(p.pid(), st.nsPid().getLast());
            t.groupAndSession.put(p.pid(), new int[] {st.nsPgid().getLast(), st.nsSid().getLast()});
            for (ThreadEntry th : p.threads()) {
                if (th.tid() != p.pid()) t.inner.put(th.tid(), StatusParser.read(p.pid(), th.tid()).nsPid().getLast());
            }
        }
        for (ProcessEntry p : processes) {
            for (FdEntry f : p.fds()) {
                if (f instanceof UnixSocketFd u && u.ownerId() != 0 && !t.inner.containsKey(u.ownerId())) {
                    throw new UnsupportedResourceException(p.pid(), "fd " + u.fd() + " (unix socket, O_ASYNC)",
                            "its signals go to " + u.ownerId() + ", which is not a process of the group");
                }
            }
        }
        return t;
    }

    int inner(int outer) {
        Integer i = inner.get(outer);
        if (i == null) throw new IllegalStateException("no id inside the group's namespace for " + outer);
        return i;
    }

    /** The same process with its ids as seen inside the namespace. */
    ProcessEntry translate(ProcessEntry p) {
        int[] gs = groupAndSession.get(p.pid());
        List<ThreadEntry> threads = new ArrayList<>();
        for (ThreadEntry t : p.threads()) {
            threads.add(new ThreadEntry(inner(t.tid()), t.comm(), t.regs(), t.xstate(), t.sigmask(), t.clearChildTid(),
                    t.robustListHead(), t.robustListLength(), t.rseqAddress(), t.rseqLength(), t.rseqSignature(),
                    t.altstackSp(), t.altstackSize(), t.altstackFlags(), t.pending()));
        }
        List<FdEntry> fds = new ArrayList<>();
        for (FdEntry f : p.fds()) {
            fds.add(switch (f) {
                case InheritedFd i -> new InheritedFd(i.fd(), i.fdFlags(), inner(i.ownerPid()), i.ownerFd());
                // the owner of signal-driven I/O (a thread, a process or a group's leader): one of the group's
                case UnixSocketFd u when u.ownerId() != 0 -> new UnixSocketFd(u.fd(), u.fdFlags(), u.openFlags(), u.type(),
                        u.inode(), u.address(), u.peerInode(), u.mutual(), u.backlog(), u.queued(), u.shutdown(), u.options(),
                        u.fileMode(), u.ownerType(), inner(u.ownerId()), u.ioSignal(), u.queuedFrom());
                default -> f;
            });
        }
        List<PosixTimerEntry> timers = new ArrayList<>();
        for (PosixTimerEntry t : p.posixTimers()) {
            timers.add(t.targetTid() == 0 ? t : new PosixTimerEntry(t.id(), t.clockId(), t.notification(), t.signal(),
                    t.sigevValue(), inner(t.targetTid()), t.valueNanos(), t.intervalNanos()));
        }
        return new ProcessEntry(inner(p.pid()), inner.getOrDefault(p.ppid(), 0), gs[0], gs[1], p.comm(), p.identity(),
                p.mm(), p.vmas(), threads, fds, p.sigactions(), p.sharedPending(), p.itimers(), p.memoryBlob(),
                p.zombie(), p.exitStatus(), timers, p.semUndo());
    }
}
