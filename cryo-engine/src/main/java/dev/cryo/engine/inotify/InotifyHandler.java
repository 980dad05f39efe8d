package dev.cryo.engine.inotify;

import dev.cryo.engine.RestoreSession;
import dev.cryo.engine.UnsupportedResourceException;
import dev.cryo.image.fd.InotifyFd;
import dev.cryo.linux.errno.ErrnoException;
import dev.cryo.linux.fd.FileHandles;
import dev.cryo.linux.fd.RemoteFds;
import dev.cryo.linux.proc.FdInfo;
import dev.cryo.linux.proc.FdInfoParser;
import dev.cryo.linux.proc.MountInfo;
import dev.cryo.linux.proc.MountInfoParser;
import dev.cryo.linux.syscall.SysNr;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * inotify: each watch is a file handle in fdinfo, turned into a path (open_by_handle_at on a mount of
 * its filesystem), and added again at restore with its mask. The kernel hands out watch descriptors in
 * increasing order (cyclically), so a watch that comes back with a lower descriptor than recorded is
 * removed and added again until the numbers match, as CRIU does (the IN_IGNORED events this makes are
 * read away inside the task). Events waiting to be read cannot be
 * put back: such an instance is refused, as is a watch on a file that no longer exists.
 */
public final class InotifyHandler {
    private static final int IN_NONBLOCK = 04000, IN_CLOEXEC = 02000000;
    private List<MountInfo> mounts;

    public InotifyFd dump(int pid, int pidfd, int fd, int fdFlags, int openFlags) throws IOException {
        String what = "fd " + fd + " (inotify)";
        int local = RemoteFds.getfd(pidfd, fd);
        try {
            int waiting = RemoteFds.readable(local);
            if (waiting > 0) {
                throw new UnsupportedResourceException(pid, what, waiting + " bytes of events wait to be read;"
                        + " they cannot be queued again");
            }
        } finally {
            RemoteFds.close(local);
        }
        List<InotifyFd.InotifyWatch> out = new ArrayList<>();
        for (FdInfo.InotifyWatch w : FdInfoParser.read(pid, fd).detail(FdInfo.Inotify.class)
                .map(FdInfo.Inotify::watches).orElse(List.of())) {
            FdInfo.FileHandle h = w.handle().orElseThrow(() -> new UnsupportedResourceException(pid, what,
                    "watch " + w.wd() + " is on a filesystem without file handles"));
            String path;
            try {
                path = FileHandles.path(mountOf(pid, w), h.type(), h.bytes()).toString();
            } catch (ErrnoException e) {
                throw new UnsupportedResourceException(pid, what, "watch " + w.wd() + " (inode " + w.ino()
                        + ") is on a file that cannot be found again: " + e.getMessage());
            }
            out.add(new InotifyFd.InotifyWatch(w.wd(), path, w.mask()));
        }
        out.sort(Comparator.comparingInt(InotifyFd.InotifyWatch::wd));
        return new InotifyFd(fd, fdFlags, openFlags, List.copyOf(out));
    }

    /** A mount point of the watch's filesystem, preferring one of the filesystem's root. */
    private String mountOf(int pid, FdInfo.InotifyWatch w) throws IOException {
        if (mounts == null) mounts = MountInfoParser.read(pid);
        return mounts.stream().filter(m -> m.dev().equals(w.sdev()))
                .min(Comparator.comparingInt((MountInfo m) -> m.root().length()))
                .map(MountInfo::mountPoint)
                .orElseThrow(() -> new IOException("inotify watch " + w.wd() + ": no mount of device " + w.sdev()));
    }

    public long restore(RestoreSession s, InotifyFd e) throws IOException {
        var inj = s.main();
        long fd = inj.call("inotify_init1 for fd " + e.fd(), SysNr.INOTIFY_INIT1,
                IN_CLOEXEC | (e.openFlags() & IN_NONBLOCK), 0, 0);
        for (InotifyFd.InotifyWatch w : e.watches()) {
            String what = "inotify fd " + e.fd() + ", watch " + w.wd() + " on " + w.path();
            for (int attempt = 0; ; attempt++) {
                s.resetArgs();
                long wd = inj.call(what, SysNr.INOTIFY_ADD_WATCH, fd, s.putString(w.path()), w.mask());
                if (wd == w.wd()) break;
                if (wd > w.wd() || attempt > w.wd()) {
                    throw new IOException(what + ": came back as watch " + wd);
                }
                inj.call("inotify_rm_watch", SysNr.INOTIFY_RM_WATCH, fd, wd, 0); // the next add takes the next number
                // the removal queued an IN_IGNORED event the application must not see: read it (with whatever
                // else the watches added so far may have caught in these microseconds)
                s.resetArgs();
                inj.call("read the IN_IGNORED of a placeholder watch", SysNr.READ, fd, s.put(new byte[4096]), 4096);
            }
        }
        return fd;
    }
}
