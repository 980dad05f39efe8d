package dev.cryo.engine.files;

import dev.cryo.engine.DumpSession;
import dev.cryo.engine.RestoreSession;
import dev.cryo.engine.TreeFiles;
import dev.cryo.engine.UnsupportedResourceException;
import dev.cryo.engine.epoll.EpollHandler;
import dev.cryo.engine.events.EventFdHandler;
import dev.cryo.engine.events.SignalFdHandler;
import dev.cryo.engine.events.TimerFdHandler;
import dev.cryo.engine.inotify.InotifyHandler;
import dev.cryo.engine.locks.FileLockHandler;
import dev.cryo.engine.memfd.MemfdHandler;
import dev.cryo.engine.sockets.SocketHandler;
import dev.cryo.image.fd.DupFd;
import dev.cryo.image.fd.EpollFd;
import dev.cryo.image.fd.EventFd;
import dev.cryo.image.fd.ExternalFd;
import dev.cryo.image.fd.FdEntry;
import dev.cryo.image.fd.InheritedFd;
import dev.cryo.image.fd.InetSocketFd;
import dev.cryo.image.fd.InotifyFd;
import dev.cryo.image.fd.MemfdFd;
import dev.cryo.image.fd.PipeFd;
import dev.cryo.image.fd.RegularFileFd;
import dev.cryo.image.fd.SignalFd;
import dev.cryo.image.fd.TimerFd;
import dev.cryo.image.fd.UnixSocketFd;
import dev.cryo.linux.fd.RemoteFds;
import dev.cryo.linux.syscall.SysNr;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The descriptor table: reads /proc/PID/fd, hands each descriptor to the handler of its kind, and names
 * any kind it does not know (the checkpoint is then refused and the process left as it was).
 */
public final class FdTableHandler {
    static final int O_CLOEXEC = 02000000, FD_CLOEXEC = 1, O_ASYNC = 020000;

    private final RegularFileHandler files = new RegularFileHandler();
    private final PipeHandler pipes = new PipeHandler();
    private final EventFdHandler eventfds = new EventFdHandler();
    private final TimerFdHandler timerfds = new TimerFdHandler();
    private final SignalFdHandler signalfds = new SignalFdHandler();
    private final EpollHandler epolls = new EpollHandler();
    private final SocketHandler sockets = new SocketHandler();
    private final FileLockHandler locks = new FileLockHandler();
    private final InotifyHandler inotify = new InotifyHandler();
    private final MemfdHandler memfds = new MemfdHandler();

    public List<FdEntry> dump(DumpSession s) throws IOException {
        int pid = s.pid();
        Map<Integer, String> targets = new TreeMap<>();
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(Path.of("/proc/" + pid + "/fd"))) {
            for (Path p : dir) {
                targets.put(Integer.parseInt(p.getFileName().toString()), Files.readSymbolicLink(p).toString());
            }
        }
        List<FdEntry> out = new ArrayList<>();
        int pidfd = RemoteFds.pidfdOpen(pid);
        try {
            for (var e : targets.entrySet()) {
                int fd = e.getKey();
                String target = e.getValue();
                FdInfoLite info = FdInfoLite.read(pid, fd);
                int fdFlags = (info.flags() & O_CLOEXEC) != 0 ? FD_CLOEXEC : 0;
                int openFlags = info.flags() & ~O_CLOEXEC;
                FdEntry entry = inherited(s, fd, fdFlags, target);
                if (entry != null) {
                    out.add(entry);
                    continue;
                }
                if (target.startsWith("/dev/pts/") || target.startsWith("/dev/tty") || target.equals("/dev/console")) {
                    entry = new ExternalFd(fd, fdFlags, openFlags, target);
                } else if (target.startsWith("/memfd:") && s.tree().singleProcess()) {
                    // a memfd held by one process comes back as a memfd (name, seals); shared by several
                    // processes it is a ghost file like any deleted file, re-created once for all of them
                    entry = memfds.dump(s, pidfd, fd, fdFlags, openFlags, info.pos(), target);
                } else if (target.startsWith("/")) {
                    entry = files.dump(s, fd, fdFlags, openFlags, info.pos(), target);
                } else if (target.startsWith("pipe:")) {
                    entry = pipes.dump(s, pidfd, fd, fdFlags, openFlags, target);
                } else if (target.equals("anon_inode:[eventfd]")) {
                    entry = eventfds.dump(pid, fd, fdFlags, openFlags);
                } else if (target.equals("anon_inode:[timerfd]")) {
                    entry = timerfds.dump(pid, fd, fdFlags, openFlags);
                } else if (target.equals("anon_inode:[signalfd]")) {
                    entry = signalfds.dump(pid, fd, fdFlags, openFlags);
                } else if (target.equals("anon_inode:[eventpoll]")) {
                    entry = epolls.dump(pid, fd, fdFlags, openFlags, targets.keySet());
                } else if (target.equals("anon_inode:inotify")) {
                    entry = inotify.dump(pid, pidfd, fd, fdFlags, openFlags);
                } else if (target.startsWith("socket:[")) {
                    long inode = Long.parseLong(target.substring("socket:[".length(), target.length() - 1));
                    entry = sockets.dump(pid, pidfd, fd, fdFlags, openFlags, inode, targets.values(), s.tree(), s.tcp());
                } else {
                    throw new UnsupportedResourceException(pid, "fd " + fd + " (" + kind(target) + ")",
                            "this kind of file descriptor is not supported yet");
                }
                if ((openFlags & O_ASYNC) != 0 && !(entry instanceof UnixSocketFd)) {
                    throw new UnsupportedResourceException(pid, "fd " + fd + " (" + kind(target) + ", O_ASYNC)",
                            "signal-driven I/O is kept on unix sockets only");
                }
                if (info.locked() && !(entry instanceof RegularFileFd)) {
                    throw new UnsupportedResourceException(pid, "fd " + fd + " (" + kind(target) + ", locked)",
                            "locks are kept only on files, directories and devices opened by path");
                }
                out.add(dedup(pid, entry, out));
            }
        } finally {
            RemoteFds.close(pidfd);
        }
        return out;
    }

    /**
     * A descriptor whose description a process earlier in the tree holds too (inherited across fork)
     * becomes an {@link InheritedFd} of the first such holder, whatever its kind; else null.
     */
    private static FdEntry inherited(DumpSession s, int fd, int fdFlags, String target) throws IOException {
        for (TreeFiles.Holder h : s.tree().holders(target)) {
            if (h.pid() == s.pid()) return null; // holders come in tree order: no earlier process holds it
            if (RemoteFds.sameDescription(h.pid(), h.fd(), s.pid(), fd)) return new InheritedFd(fd, fdFlags, h.pid(), h.fd());
        }
        return null;
    }

    /** A descriptor that shares its description with an earlier one of the same kind becomes a {@link DupFd}. */
    private static FdEntry dedup(int pid, FdEntry entry, List<FdEntry> earlier) throws IOException {
        for (FdEntry e : earlier) {
            if (e instanceof DupFd || e.getClass() != entry.getClass()) continue;
            if (RemoteFds.sameDescription(pid, e.fd(), entry.fd())) return new DupFd(entry.fd(), entry.fdFlags(), e.fd());
        }
        return entry;
    }

    /** A readable name for a descriptor's kind: "socket:[123]" -> "socket", "anon_inode:[eventfd]" -> "eventfd". */
    static String kind(String target) {
        if (target.startsWith("anon_inode:")) {
            String k = target.substring("anon_inode:".length());
            return k.startsWith("[") && k.endsWith("]") ? k.substring(1, k.length() - 1) : k;
        }
        int colon = target.indexOf(':');
        return colon > 0 ? target.substring(0, colon) + " " + target.substring(colon + 1) : target;
    }

    // ---------------------------------------------------------------- restore

    /**
     * A new descriptor in {@code s}'s process for the open file description of descriptor {@code fd} of
     * process {@code pid} (a recorded PID, already shaped): pidfd_open + pidfd_getfd, injected, so that it
     * works inside a new PID namespace too.
     */
    static long takeFrom(RestoreSession s, int pid, long fd) throws IOException {
        long pidfd = s.main().call("pidfd_open " + pid, SysNr.PIDFD_OPEN, pid, 0, 0);
        try {
            return s.main().call("pidfd_getfd (fd " + fd + " of pid " + pid + ")", SysNr.PIDFD_GETFD, pidfd, fd, 0);
        } finally {
            s.main().raw(SysNr.CLOSE, pidfd, 0, 0, 0, 0, 0);
        }
    }

    private static final int F_DUPFD_CLOEXEC = 1030;
    private final ExternalFdHandler external = new ExternalFdHandler();

    /**
     * Rebuilds the descriptor table: the stub's own descriptors are closed; each object is opened and
     * parked above the highest recorded number (so that opening one never takes a number another needs),
     * then moved to its number with dup3, dups last; the parked copies are closed.
     */
    public void restore(RestoreSession s) throws IOException {
        var inj = s.main();
        inj.call("close_range", SysNr.CLOSE_RANGE, 0, 0xffffffffL, 0);
        List<FdEntry> entries = s.image().fds();
        int park = entries.stream().mapToInt(FdEntry::fd).max().orElse(-1) + 1;
        pipes.keepAbove(park);
        Map<Integer, Long> parked = new TreeMap<>();
        Set<Long> pipeEnds = new HashSet<>();
        for (FdEntry e : entries) {
            long tmp = switch (e) {
                case RegularFileFd f -> files.restore(s, f);
                case PipeFd p -> pipes.restore(s, p);
                case ExternalFd x -> external.open(s, x);
                case EventFd ev -> eventfds.restore(s, ev);
                case TimerFd t -> timerfds.restore(s, t);
                case SignalFd sig -> signalfds.restore(s, sig);
                case EpollFd ep -> epolls.restore(s, ep);
                case InetSocketFd in -> sockets.restore(s, in);
                case UnixSocketFd un -> sockets.restore(s, un);
                case InotifyFd in -> inotify.restore(s, in);
                case MemfdFd mf -> memfds.restore(s, mf);
                case DupFd d -> -1;
                case InheritedFd i -> takeFrom(s, i.ownerPid(), i.ownerFd());
            };
            if (tmp < 0) continue;
            long high = inj.call("fcntl(F_DUPFD_CLOEXEC)", SysNr.FCNTL, tmp, F_DUPFD_CLOEXEC, park);
            // pipe ends are closed once both ends have been parked; everything else right away
            if (e instanceof PipeFd || e instanceof InheritedFd) pipeEnds.add(tmp);
            else inj.raw(SysNr.CLOSE, tmp, 0, 0, 0, 0, 0);
            parked.put(e.fd(), high);
        }
        for (long t : pipeEnds) inj.raw(SysNr.CLOSE, t, 0, 0, 0, 0, 0);
        for (FdEntry e : entries) {
            long from = e instanceof DupFd d ? d.of() : parked.get(e.fd());
            inj.call("dup3 to fd " + e.fd(), SysNr.DUP3, from, e.fd(),
                    (e.fdFlags() & FD_CLOEXEC) != 0 ? O_CLOEXEC : 0);
        }
        for (long high : parked.values()) {
            inj.raw(SysNr.CLOSE, high, 0, 0, 0, 0, 0);
        }
        sockets.restoreConnections(s, entries); // every socket is bound now
        epolls.restoreWatches(s, entries); // every watched descriptor is at its number now
        locks.restore(s, entries);
    }
}
