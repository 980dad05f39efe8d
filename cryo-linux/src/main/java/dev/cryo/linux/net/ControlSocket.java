package dev.cryo.linux.net;

import dev.cryo.linux.errno.ErrnoException;
import dev.cryo.linux.syscall.Scratch;
import dev.cryo.linux.syscall.SysNr;
import dev.cryo.linux.syscall.Syscall;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * A local control socket (AF_UNIX, SOCK_STREAM) of our own, as a resident service needs it and Java's
 * unix-domain channels cannot: the peer's credentials (SO_PEERCRED) and descriptors passed with the data
 * (SCM_RIGHTS). Descriptors are plain ints owned by the caller, all opened close-on-exec. Calls block the
 * calling thread.
 */
public final class ControlSocket {
    private static final int AF_UNIX = 1, SOCK_STREAM = 1, SOCK_CLOEXEC = 02000000, SOL_SOCKET = 1,
            SO_PEERCRED = 17, SCM_RIGHTS = 1, MSG_CMSG_CLOEXEC = 0x40000000, SUN_PATH_MAX = 107;
    // not in SysNr: only this binding uses them
    private static final int ACCEPT4 = 288, GETEUID = 107;
    private static final long MSGHDR = 0, IOV = 64, CONTROL = 128, CONTROL_LEN = 64, DATA = 256;

    private ControlSocket() {}

    /** Who is at the other end of a connected socket, as the kernel recorded at connect. */
    public record Peer(int pid, int uid, int gid) {
    }

    /** Bytes received, and the descriptors that came with them (new in this process, close-on-exec). */
    public record Received(int bytes, int[] fds) {
    }

    /** A socket bound to {@code path} (which must not exist) and listening. */
    public static int listen(Path path, int backlog) throws ErrnoException {
        int fd = socket();
        try {
            MemorySegment s = address(path);
            Syscall.call("bind(" + path + ")", SysNr.BIND, fd, s.address(), 2 + SUN_PATH_MAX + 1);
            Syscall.call("listen(" + path + ")", SysNr.LISTEN, fd, backlog);
            return fd;
        } catch (ErrnoException e) {
            close(fd);
            throw e;
        }
    }

    /** A socket connected to the listener at {@code path}. */
    public static int connect(Path path) throws ErrnoException {
        int fd = socket();
        try {
            MemorySegment s = address(path);
            Syscall.call("connect(" + path + ")", SysNr.CONNECT, fd, s.address(), 2 + SUN_PATH_MAX + 1);
            return fd;
        } catch (ErrnoException e) {
            close(fd);
            throw e;
        }
    }

    /** A socket connected to the listener bound to abstract name {@code name} (no file: a leading NUL). */
    public static int connectAbstract(String name) throws ErrnoException {
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        if (n.length > SUN_PATH_MAX - 1) throw ErrnoException.of("abstract socket name " + name, 36 /* ENAMETOOLONG */);
        int fd = socket();
        try {
            MemorySegment s = Scratch.get();
            s.asSlice(0, 2 + SUN_PATH_MAX + 1).fill((byte) 0);
            s.set(ValueLayout.JAVA_SHORT, 0, (short) AF_UNIX);
            MemorySegment.copy(n, 0, s, ValueLayout.JAVA_BYTE, 3, n.length);
            // an abstract name is exactly as long as the address says
            Syscall.call("connect(@" + name + ")", SysNr.CONNECT, fd, s.address(), 3 + n.length);
            return fd;
        } catch (ErrnoException e) {
            close(fd);
            throw e;
        }
    }

    /** The next connection (blocks). */
    public static int accept(int listener) throws ErrnoException {
        return (int) Syscall.call("accept", ACCEPT4, listener, 0, 0, SOCK_CLOEXEC);
    }

    public static Peer peer(int fd) throws ErrnoException {
        MemorySegment s = Scratch.get();
        s.set(ValueLayout.JAVA_INT, 16, 12);
        Syscall.call("getsockopt(SO_PEERCRED)", SysNr.GETSOCKOPT, fd, SOL_SOCKET, SO_PEERCRED, s.address(), s.address() + 16, 0);
        return new Peer(s.get(ValueLayout.JAVA_INT, 0), s.get(ValueLayout.JAVA_INT, 4), s.get(ValueLayout.JAVA_INT, 8));
    }

    /** This process's effective uid. */
    public static int effectiveUid() {
        return (int) Syscall.raw(GETEUID, 0, 0, 0, 0, 0, 0);
    }

    /**
     * Receives up to {@code len} bytes into {@code buf} and any descriptors sent with them; 0 bytes at
     * end of stream. At most {@code (64 - 16) / 4} descriptors are taken; more are closed by the kernel.
     */
    public static Received receive(int fd, byte[] buf, int off, int len) throws ErrnoException {
        MemorySegment s = Scratch.get();
        int n = Math.min(len, Scratch.SIZE - (int) DATA);
        s.asSlice(0, DATA).fill((byte) 0);
        s.set(ValueLayout.JAVA_LONG, IOV, s.address() + DATA);
        s.set(ValueLayout.JAVA_LONG, IOV + 8, n);
        s.set(ValueLayout.JAVA_LONG, MSGHDR + 16, s.address() + IOV);    // msg_iov
        s.set(ValueLayout.JAVA_LONG, MSGHDR + 24, 1);                   // msg_iovlen
        s.set(ValueLayout.JAVA_LONG, MSGHDR + 32, s.address() + CONTROL); // msg_control
        s.set(ValueLayout.JAVA_LONG, MSGHDR + 40, CONTROL_LEN);           // msg_controllen
        int got = (int) Syscall.call("recvmsg", SysNr.RECVMSG, fd, s.address() + MSGHDR, MSG_CMSG_CLOEXEC);
        MemorySegment.copy(s, ValueLayout.JAVA_BYTE, DATA, buf, off, got);
        long controlLen = s.get(ValueLayout.JAVA_LONG, MSGHDR + 40);
        int[] fds = new int[0];
        // one cmsghdr {len(8), level(4), type(4), data}: the only kind our peers send
        if (controlLen >= 16 && s.get(ValueLayout.JAVA_INT, CONTROL + 8) == SOL_SOCKET
                && s.get(ValueLayout.JAVA_INT, CONTROL + 12) == SCM_RIGHTS) {
            long cmsgLen = s.get(ValueLayout.JAVA_LONG, CONTROL);
            fds = new int[(int) ((cmsgLen - 16) / 4)];
            for (int i = 0; i < fds.length; i++) {
                fds[i] = s.get(ValueLayout.JAVA_INT, CONTROL + 16 + 4L * i);
            }
        }
        return new Received(got, fds);
    }

    /** Reads up to {@code len} bytes; 0 at end of stream. */
    public static int read(int fd, byte[] buf, int off, int len) throws ErrnoException {
        MemorySegment s = Scratch.get();
        int n = Math.min(len, Scratch.SIZE);
        int got = (int) Syscall.call("read", SysNr.READ, fd, s.address(), n);
        MemorySegment.copy(s, ValueLayout.JAVA_BYTE, 0, buf, off, got);
        return got;
    }

    /** Writes all of {@code len} bytes. */
    public static void write(int fd, byte[] buf, int off, int len) throws ErrnoException {
        MemorySegment s = Scratch.get();
        while (len > 0) {
            int n = Math.min(len, Scratch.SIZE);
            MemorySegment.copy(buf, off, s, ValueLayout.JAVA_BYTE, 0, n);
            int done = 0;
            while (done < n) {
                done += (int) Syscall.call("write", SysNr.WRITE, fd, s.address() + done, n - done);
            }
            off += n;
            len -= n;
        }
    }

    /** Shuts both directions down; a thread blocked in {@link #accept} on a listener returns with EINVAL. */
    public static void shutdown(int fd) {
        Syscall.raw(SysNr.SHUTDOWN, fd, 2 /* SHUT_RDWR */, 0, 0, 0, 0);
    }

    public static void close(int fd) {
        Syscall.raw(SysNr.CLOSE, fd, 0, 0, 0, 0, 0);
    }

    private static int socket() throws ErrnoException {
        return (int) Syscall.call("socket(AF_UNIX)", SysNr.SOCKET, AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    }

    /** A sockaddr_un for {@code path} in scratch memory. */
    private static MemorySegment address(Path path) throws ErrnoException {
        byte[] p = path.toString().getBytes(StandardCharsets.UTF_8);
        if (p.length > SUN_PATH_MAX) {
            throw ErrnoException.of("socket path " + path, 36 /* ENAMETOOLONG */);
        }
        MemorySegment s = Scratch.get();
        s.asSlice(0, 2 + SUN_PATH_MAX + 1).fill((byte) 0);
        s.set(ValueLayout.JAVA_SHORT, 0, (short) AF_UNIX);
        MemorySegment.copy(p, 0, s, ValueLayout.JAVA_BYTE, 2, p.length);
        return s;
    }
}
