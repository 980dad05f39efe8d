package dev.cryo.linux.proc;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * /proc/PID/fdinfo/FD (proc.rst, "/proc/&lt;pid&gt;/fdinfo/&lt;fd&gt;"): position, open flags, mount and inode,
 * the locks the file holds, and, for the kernel objects that print more, a {@link Detail}.
 *
 * <p>fdinfo alone does not always tell the kind of file: an epoll with no watched fd, an inotify with no watch
 * or a fanotify group print only the common lines. The caller knows the kind from the fd's link
 * ("anon_inode:[eventpoll]"...) and reads an absent detail as "none of those entries".
 *
 * @param pos    file position (lseek)
 * @param flags  open flags, O_* (the file prints them in octal)
 * @param mntId  mount id, as in mountinfo
 * @param ino    inode number, -1 on kernels that do not print it
 * @param locks  the locks this open file holds ("lock:" lines)
 * @param detail the type-specific part, if the file printed one
 */
public record FdInfo(long pos, int flags, int mntId, long ino, List<LockInfo> locks, Optional<Detail> detail) {

    /** The detail if it is of the given kind: {@code info.detail(FdInfo.Epoll.class)}. */
    public <T extends Detail> Optional<T> detail(Class<T> kind) {
        return detail.filter(kind::isInstance).map(kind::cast);
    }

    /** The type-specific part of an fdinfo file. */
    public sealed interface Detail permits EventFd, Epoll, Inotify, SignalFd, TimerFd, Fanotify, PidFd {
    }

    /**
     * eventfd: the counter, and (5.2+, 6.x) the id and EFD_SEMAPHORE.
     *
     * @param id -1 when not printed
     */
    public record EventFd(long count, long id, boolean semaphore) implements Detail {
    }

    /** eventpoll: one target per watched file ("tfd:" lines). */
    public record Epoll(List<EpollTarget> targets) implements Detail {
    }

    /**
     * One epoll watch: {@code tfd:        3 events: 80000019 data: 1122334455667788  pos:0 ino:40e sdev:10}.
     * The watched file is identified by fd number in the owner <em>and</em> by inode and device, because the fd
     * may have been closed or dup'ed since it was added.
     *
     * @param events EPOLL* mask as registered (EPOLLET is bit 31)
     * @param data   the user's epoll_data, 64 bits
     * @param pos    file position of the target
     */
    public record EpollTarget(int tfd, int events, long data, long pos, long ino, DeviceNumber sdev) {
    }

    /** inotify: one entry per watch descriptor. */
    public record Inotify(List<InotifyWatch> watches) implements Detail {
    }

    /**
     * {@code inotify wd:2 ino:264 sdev:fe00000 mask:2 ignored_mask:0 fhandle-bytes:8 fhandle-type:1 f_handle:...}
     *
     * @param handle the watched inode as a file handle for open_by_handle_at; absent if the filesystem has none
     */
    public record InotifyWatch(int wd, long ino, DeviceNumber sdev, int mask, int ignoredMask,
                               Optional<FileHandle> handle) {
    }

    /** signalfd: the signals it accepts, bit {@code n-1} for signal {@code n}. */
    public record SignalFd(long sigmask) implements Detail {
    }

    /**
     * timerfd: clock, expirations not yet read, TFD_TIMER_* flags of the last settime, and the time left
     * ({@code value}, relative, 0 when disarmed) and the period ({@code interval}).
     */
    public record TimerFd(int clockId, long ticks, int settimeFlags, Timespec value, Timespec interval)
            implements Detail {
    }

    public record Timespec(long seconds, long nanos) {
        public static final Timespec ZERO = new Timespec(0, 0);

        public boolean isZero() {
            return seconds == 0 && nanos == 0;
        }
    }

    /**
     * fanotify: the group's fanotify_init flags and event_f_flags, and its marks.
     *
     * @param flags      FAN_* init flags (class, FAN_UNLIMITED_*...); -1 when the header line was not printed
     * @param eventFlags O_* flags given to event fds
     */
    public record Fanotify(int flags, int eventFlags, List<FanotifyMark> marks) implements Detail {
    }

    /**
     * One fanotify mark, on an inode, a mount, or a whole filesystem.
     *
     * @param ino   the marked inode (INODE marks), else 0
     * @param sdev  the marked inode's or filesystem's device (INODE and FILESYSTEM marks), else {@link DeviceNumber#NONE}
     * @param mntId the marked mount (MOUNT marks), else -1
     */
    public record FanotifyMark(Target target, long ino, DeviceNumber sdev, int mntId, int mflags, int mask,
                               int ignoredMask, Optional<FileHandle> handle) {
        public enum Target { INODE, MOUNT, FILESYSTEM }
    }

    /**
     * pidfd: the process it refers to, as seen from the reader's PID namespace, -1 once it has exited (or 0 when
     * it lives outside the reader's namespace), and its PIDs in each nested namespace.
     */
    public record PidFd(int pid, List<Integer> nsPid) implements Detail {
    }

    /** A file handle as fdinfo prints it: {@code fhandle-bytes:8 fhandle-type:1 f_handle:6402000000000000}. */
    public record FileHandle(int type, byte[] bytes) {
        public FileHandle {
            bytes = bytes.clone();
        }

        @Override
        public byte[] bytes() {
            return bytes.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof FileHandle h && h.type == type && Arrays.equals(h.bytes, bytes);
        }

        @Override
        public int hashCode() {
            return 31 * type + Arrays.hashCode(bytes);
        }

        @Override
        public String toString() {
            return "FileHandle[type=" + type + ", bytes=" + HexFormat.of().formatHex(bytes) + "]";
        }
    }
}
