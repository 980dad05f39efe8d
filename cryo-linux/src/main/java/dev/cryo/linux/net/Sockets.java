package dev.cryo.linux.net;

import dev.cryo.linux.errno.ErrnoException;
import dev.cryo.linux.syscall.Scratch;
import dev.cryo.linux.syscall.SysNr;
import dev.cryo.linux.syscall.Syscall;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Questions about a socket held in this process (a checkpointed process's socket pulled in with
 * pidfd_getfd): its options, its names, the bytes queued on it. Addresses are raw sockaddr bytes, as
 * the kernel gives and takes them.
 */
public final class Sockets {
    public static final int SOL_SOCKET = 1, SO_TYPE = 3, SO_PROTOCOL = 38, SO_DOMAIN = 39, SO_ACCEPTCONN = 30,
            SO_PEEK_OFF = 42;
    private static final int OPTION_MAX = 256, ADDRESS_MAX = 128, MSG_PEEK = 2, MSG_DONTWAIT = 0x40, SOCK_CLOEXEC = 02000000;

    private Sockets() {}

    /** An int option, as getsockopt returns it. */
    public static int intOption(int fd, int level, int name) throws ErrnoException {
        byte[] v = option(fd, level, name);
        if (v == null || v.length < 4) throw ErrnoException.of("getsockopt(" + level + ", " + name + ")", 22);
        return MemorySegment.ofArray(v).get(ValueLayout.JAVA_INT_UNALIGNED, 0);
    }

    /** The option's bytes, or null when this socket has no such option (the kernel said ENOPROTOOPT or EINVAL...). */
    public static byte[] option(int fd, int level, int name) {
        MemorySegment s = Scratch.get();
        s.set(ValueLayout.JAVA_INT, OPTION_MAX, OPTION_MAX);
        long r = Syscall.raw(SysNr.GETSOCKOPT, fd, level, name, s.address(), s.address() + OPTION_MAX, 0);
        if (r < 0) return null;
        int len = Math.min(s.get(ValueLayout.JAVA_INT, OPTION_MAX), OPTION_MAX);
        return s.asSlice(0, len).toArray(ValueLayout.JAVA_BYTE);
    }

    /** The address the socket is bound to (getsockname). */
    public static byte[] localAddress(int fd) throws ErrnoException {
        return name(fd, SysNr.GETSOCKNAME, "getsockname");
    }

    /** The address of its peer, or null when it is not connected. */
    public static byte[] peerAddress(int fd) throws ErrnoException {
        MemorySegment s = Scratch.get();
        s.set(ValueLayout.JAVA_INT, ADDRESS_MAX, ADDRESS_MAX);
        long r = Syscall.raw(SysNr.GETPEERNAME, fd, s.address(), s.address() + ADDRESS_MAX, 0, 0, 0);
        if (r == -107 /* ENOTCONN */) return null;
        if (r < 0) throw ErrnoException.of("getpeername", (int) -r);
        return s.asSlice(0, Math.min(s.get(ValueLayout.JAVA_INT, ADDRESS_MAX), ADDRESS_MAX)).toArray(ValueLayout.JAVA_BYTE);
    }

    private static byte[] name(int fd, int nr, String what) throws ErrnoException {
        MemorySegment s = Scratch.get();
        s.set(ValueLayout.JAVA_INT, ADDRESS_MAX, ADDRESS_MAX);
        Syscall.call(what, nr, fd, s.address(), s.address() + ADDRESS_MAX);
        return s.asSlice(0, Math.min(s.get(ValueLayout.JAVA_INT, ADDRESS_MAX), ADDRESS_MAX)).toArray(ValueLayout.JAVA_BYTE);
    }

    /** A new socket of our own, closed by the caller (to learn what a fresh socket's options are). */
    public static int open(int domain, int type, int protocol) throws ErrnoException {
        return (int) Syscall.call("socket(" + domain + ", " + type + ")", SysNr.SOCKET, domain, type | SOCK_CLOEXEC, protocol);
    }
}
