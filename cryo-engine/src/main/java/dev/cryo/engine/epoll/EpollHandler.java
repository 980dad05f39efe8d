package dev.cryo.engine.epoll;

import dev.cryo.engine.RestoreSession;
import dev.cryo.engine.UnsupportedResourceException;
import dev.cryo.image.fd.EpollFd;
import dev.cryo.image.fd.ExternalFd;
import dev.cryo.image.fd.FdEntry;
import dev.cryo.linux.errno.Errno;
import dev.cryo.linux.fd.RemoteFds;
import dev.cryo.linux.proc.FdInfo;
import dev.cryo.linux.proc.FdInfoParser;
import dev.cryo.linux.syscall.SysNr;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * epoll: the instance, then its interest list (fd, events, data, from fdinfo) registered again with
 * epoll_ctl once every descriptor of the process exists. epoll keys a watch by file and fd number, and
 * a watch outlives the descriptor it was added with (it lasts as long as the file): a watch is kept only
 * if the process still has the watched file open under that very number (checked with kcmp), since only
 * then can it be registered again; any other is refused by name.
 */
public final class EpollHandler {
    private static final int O_NONBLOCK = 04000, O_CLOEXEC = 02000000, EPOLL_CTL_ADD = 1, EPOLL_CTL_MOD = 3,
            F_SETFL = 4;
    /** The bits epoll keeps when a one-shot watch fires (EPOLLWAKEUP, EPOLLONESHOT, EPOLLET, EPOLLEXCLUSIVE). */
    private static final int PRIVATE_BITS = (1 << 29) | (1 << 30) | (1 << 31) | (1 << 28);
    private static final int EPOLLONESHOT = 1 << 30, ANY_READINESS = 0x1 | 0x2 | 0x4 | 0x40 | 0x80 | 0x100 | 0x200 | 0x2000;

    public EpollFd dump(int pid, int fd, int fdFlags, int openFlags, Set<Integer> openFds) throws IOException {
        List<EpollFd.EpollWatch> watches = new ArrayList<>();
        for (FdInfo.EpollTarget t : FdInfoParser.read(pid, fd).detail(FdInfo.Epoll.class)
                .map(FdInfo.Epoll::targets).orElse(List.of())) {
            if (!openFds.contains(t.tfd()) || !RemoteFds.isEpollTarget(pid, t.tfd(), fd, t.tfd())) {
                throw new UnsupportedResourceException(pid, "fd " + fd + " (epoll watching fd " + t.tfd() + ", inode "
                        + t.ino() + ")", "the watched file is no longer open as fd " + t.tfd()
                        + " (closed or replaced after epoll_ctl): such a watch cannot be registered again");
            }
            watches.add(new EpollFd.EpollWatch(t.tfd(), t.events(), t.data()));
        }
        return new EpollFd(fd, fdFlags, openFlags, List.copyOf(watches));
    }

    /** Creates the empty instance; its watches come with {@link #restoreWatches}. */
    public long restore(RestoreSession s, EpollFd e) throws IOException {
        long fd = s.main().call("epoll_create1 for fd " + e.fd(), SysNr.EPOLL_CREATE1, O_CLOEXEC, 0, 0);
        if ((e.openFlags() & O_NONBLOCK) != 0) {
            s.main().call("fcntl(F_SETFL) on epoll fd " + e.fd(), SysNr.FCNTL, fd, F_SETFL, O_NONBLOCK);
        }
        return fd;
    }

    /**
     * Registers every watch of every epoll again, each descriptor being at its recorded number by now. A
     * watch on a descriptor that led outside the checkpoint and was replaced by one that cannot be polled
     * (/dev/null) is dropped with a warning.
     *
     * <p>A one-shot watch that already fired has only its private bits left, and epoll_ctl cannot register
     * that (it always adds EPOLLERR|EPOLLHUP): it is registered first, alone, armed for any readiness, and
     * made to fire once with epoll_wait, which leaves it exactly as it was. If its file is ready for nothing
     * at all, it stays armed for errors and hang-ups only.
     */
    public void restoreWatches(RestoreSession s, List<FdEntry> entries) throws IOException {
        for (FdEntry entry : entries) {
            if (!(entry instanceof EpollFd e)) continue;
            for (EpollFd.EpollWatch w : e.watches()) {
                if (!fired(w)) continue;
                if (!add(s, e, w.events() | ANY_READINESS, w, entries)) continue;
                s.resetArgs();
                long out = s.put(new byte[12]);
                long n = s.main().call("epoll_wait to disarm a fired one-shot watch", SysNr.EPOLL_WAIT, e.fd(), out, 1, 0);
                if (n == 0) ctl(s, e, EPOLL_CTL_MOD, w.events(), w);
            }
            for (EpollFd.EpollWatch w : e.watches()) {
                if (!fired(w)) add(s, e, w.events(), w, entries);
            }
        }
    }

    private static boolean fired(EpollFd.EpollWatch w) {
        return (w.events() & EPOLLONESHOT) != 0 && (w.events() & ~PRIVATE_BITS) == 0;
    }

    private static boolean add(RestoreSession s, EpollFd e, int events, EpollFd.EpollWatch w, List<FdEntry> entries)
            throws IOException {
        long r = ctl(s, e, EPOLL_CTL_ADD, events, w);
        if (r == -Errno.EPERM.number() && isExternal(entries, w.tfd())) {
            s.warn("pid " + s.pid() + ": epoll fd " + e.fd() + " watched fd " + w.tfd()
                    + ", which led outside the checkpoint; its replacement cannot be watched: watch dropped");
            return false;
        }
        if (r < 0) {
            throw new IOException("epoll fd " + e.fd() + ": cannot watch fd " + w.tfd() + " again: " + Errno.describe((int) -r));
        }
        return true;
    }

    private static long ctl(RestoreSession s, EpollFd e, int op, int events, EpollFd.EpollWatch w) throws IOException {
        s.resetArgs();
        long ev = s.put(ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN).putInt(events).putLong(w.data()).array());
        return s.main().raw(SysNr.EPOLL_CTL, e.fd(), op, w.tfd(), ev, 0, 0);
    }

    private static boolean isExternal(List<FdEntry> entries, int fd) {
        return entries.stream().anyMatch(x -> x.fd() == fd && x instanceof ExternalFd);
    }
}
