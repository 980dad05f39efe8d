package dev.cryo.linux.fd;

import dev.cryo.linux.errno.ErrnoException;
import dev.cryo.linux.syscall.Scratch;
import dev.cryo.linux.syscall.SysNr;
import dev.cryo.linux.syscall.Syscall;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Descriptors of other processes, pulled into ours with pidfd_getfd so the kernel can be asked about
 * the object directly, and the few questions we ask of them.
 */
public final class RemoteFds {
    private static final int F_GETPIPE_SZ = 1032, F_SETPIPE_SZ = 1031, FIONREAD = 0x541B, O_CLOEXEC = 02000000,
            O_NONBLOCK = 04000, SPLICE_F_NONBLOCK = 2, TEE = 276, F_GETOWN_EX = 16, F_GETSIG = 11, F_DUPFD_CLOEXEC = 1030;

    private RemoteFds() {}

    public static int pidfdOpen(int pid) throws ErrnoException {
        return (int) Syscall.call("pidfd_open (pid " + pid + ")", SysNr.PIDFD_OPEN, pid, 0);
    }

    /** A duplicate, in this process, of descriptor {@code fd} of the process behind {@code pidfd}. */
    public static int getfd(int pidfd, int fd) throws ErrnoException {
        return (int) Syscall.call("pidfd_getfd (fd " + fd + ")", SysNr.PIDFD_GETFD, pidfd, fd, 0);
    }

    /** Another descriptor of ours for the same open file description (close-on-exec). */
    public static int dup(int fd) throws ErrnoException {
        return (int) Syscall.call("fcntl(F_DUPFD_CLOEXEC)", SysNr.FCNTL, fd, F_DUPFD_CLOEXEC, 0);
    }

    public static void close(int fd) {
        if (fd >= 0) Syscall.raw(SysNr.CLOSE, fd, 0, 0, 0, 0, 0);
    }

    /** Who gets the signals of signal-driven I/O (O_ASYNC) on a description: F_OWNER_* type, id, signal (0: SIGIO). */
    public record Owner(int type, int id, int signal) {}

    /** The description's owner (F_GETOWN_EX, F_GETSIG); null when none is set. */
    public static Owner owner(int fd) throws ErrnoException {
        MemorySegment s = Scratch.get();
        Syscall.call("fcntl(F_GETOWN_EX)", SysNr.FCNTL, fd, F_GETOWN_EX, s.address());
        int type = s.get(ValueLayout.JAVA_INT, 0), id = s.get(ValueLayout.JAVA_INT, 4);
        int signal = (int) Syscall.call("fcntl(F_GETSIG)", SysNr.FCNTL, fd, F_GETSIG, 0);
        return id == 0 && signal == 0 ? null : new Owner(type, id, signal);
    }

    public static int pipeCapacity(int fd) throws ErrnoException {
        return (int) Syscall.call("fcntl(F_GETPIPE_SZ)", SysNr.FCNTL, fd, F_GETPIPE_SZ, 0);
    }

    /** Bytes waiting to be read. */
    public static int readable(int fd) throws ErrnoException {
        MemorySegment s = Scratch.get();
        Syscall.call("ioctl(FIONREAD)", SysNr.IOCTL, fd, FIONREAD, s.address());
        return s.get(ValueLayout.JAVA_INT, 0);
    }

    /**
     * The bytes in a pipe, without taking them out: tee() duplicates them into a pipe of our own, which
     * we read. The application's pipe is left as it was.
     */
    public static byte[] peekPipe(int readEnd) throws ErrnoException {
        int n = readable(readEnd);
        if (n == 0) return new byte[0];
        MemorySegment s = Scratch.get();
        Syscall.call("pipe2", SysNr.PIPE2, s.address(), O_CLOEXEC | O_NONBLOCK);
        int r = s.get(ValueLayout.JAVA_INT, 0), w = s.get(ValueLayout.JAVA_INT, 4);
        try {
            // as many slots as the source pipe: its bytes may sit in more pages than n alone would need
            // (a partly read first page), and tee copies whole slots or stops
            Syscall.call("fcntl(F_SETPIPE_SZ)", SysNr.FCNTL, w, F_SETPIPE_SZ, Math.max(n, pipeCapacity(readEnd)));
            long copied = Syscall.call("tee", TEE, readEnd, w, n, SPLICE_F_NONBLOCK);
            if (copied != n) throw new ErrnoException("tee copied " + copied + " of the " + n + " bytes in the pipe", 5 /* EIO */);
            byte[] out = new byte[(int) copied];
            int got = 0;
            while (got < copied) {
                int chunk = (int) Math.min(copied - got, Scratch.SIZE);
                long k = Syscall.call("read", SysNr.READ, r, s.address(), chunk);
                if (k <= 0) break;
                MemorySegment.copy(s, ValueLayout.JAVA_BYTE, 0, out, got, (int) k);
                got += (int) k;
            }
            return out;
        } finally {
            close(r);
            close(w);
        }
    }

    private static final int KCMP = 312, KCMP_FILE = 0, KCMP_EPOLL_TFD = 7;

    /** True when two descriptors of a process refer to one open file description (dup'd: they share an offset). */
    public static boolean sameDescription(int pid, int fd1, int fd2) throws ErrnoException {
        return Syscall.call("kcmp (pid " + pid + ")", KCMP, pid, pid, KCMP_FILE, fd1, fd2, 0) == 0;
    }

    /** The same across two processes: inherited across fork (or passed over a socket), one description. */
    public static boolean sameDescription(int pid1, int fd1, int pid2, int fd2) throws ErrnoException {
        return Syscall.call("kcmp (pids " + pid1 + ", " + pid2 + ")", KCMP, pid1, pid2, KCMP_FILE, fd1, fd2, 0) == 0;
    }

    /**
     * True when descriptor {@code fd} of the process is the very file that its epoll {@code epfd} watches under
     * the number {@code tfd} (the watch may outlive the descriptor it was added with: it lives as long as the
     * file does, whatever fd number now refers to it).
     */
    public static boolean isEpollTarget(int pid, int fd, int epfd, int tfd) {
        MemorySegment slot = Scratch.get(); // struct kcmp_epoll_slot { __u32 efd, tfd, toff; }
        slot.set(ValueLayout.JAVA_INT, 0, epfd);
        slot.set(ValueLayout.JAVA_INT, 4, tfd);
        slot.set(ValueLayout.JAVA_INT, 8, 0);
        long r = Syscall.raw(KCMP, pid, pid, KCMP_EPOLL_TFD, fd, slot.address(), 0);
        return r == 0;
    }
}
