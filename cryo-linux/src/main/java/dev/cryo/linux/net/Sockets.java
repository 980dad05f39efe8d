package dev.cryo.linux.net;

import dev.cryo.linux.errno.ErrnoException;
import dev.cryo.linux.syscall.Scratch;
import dev.cryo.linux.syscall.SysNr;
import dev.cryo.linux.syscall.Syscall;

import java.io.ByteArrayOutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

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

    private static final int SO_ATTACH_FILTER = 26, SO_DETACH_FILTER = 27, BPF_RET_K = 0x06;

    /** True when a socket filter (classic or eBPF) is attached to the socket. */
    public static boolean hasFilter(int fd) {
        MemorySegment s = Scratch.get();
        s.set(ValueLayout.JAVA_INT, 0, 0);
        // SO_GET_FILTER with no room answers the filter's length in instructions (0: none); an eBPF one, EACCES
        long r = Syscall.raw(SysNr.GETSOCKOPT, fd, SOL_SOCKET, SO_ATTACH_FILTER, 0, s.address(), 0);
        return r < 0 || s.get(ValueLayout.JAVA_INT, 0) != 0;
    }

    /** Attaches a filter that drops every packet arriving for the socket (the peer will send them again). */
    public static void dropIncoming(int fd) throws ErrnoException {
        MemorySegment s = Scratch.get();
        long insn = s.address() + 64;
        s.set(ValueLayout.JAVA_SHORT, 64, (short) BPF_RET_K); // struct sock_filter {u16 code; u8 jt, jf; u32 k = 0}
        s.set(ValueLayout.JAVA_SHORT, 66, (short) 0);
        s.set(ValueLayout.JAVA_INT, 68, 0);
        s.set(ValueLayout.JAVA_LONG, 0, 1);                    // struct sock_fprog {u16 len; sock_filter *filter}
        s.set(ValueLayout.JAVA_LONG, 8, insn);
        Syscall.call("setsockopt(SO_ATTACH_FILTER)", SysNr.SETSOCKOPT, fd, SOL_SOCKET, SO_ATTACH_FILTER, s.address(), 16, 0);
    }

    /** Removes the socket's filter. */
    public static void detachFilter(int fd) throws ErrnoException {
        MemorySegment s = Scratch.get();
        s.set(ValueLayout.JAVA_INT, 0, 0);
        Syscall.call("setsockopt(SO_DETACH_FILTER)", SysNr.SETSOCKOPT, fd, SOL_SOCKET, SO_DETACH_FILTER, s.address(), 4, 0);
    }

    /** Binds the socket to a raw sockaddr. */
    public static void bind(int fd, byte[] address) throws ErrnoException {
        addressCall(fd, SysNr.BIND, "bind", address);
    }

    /** Connects the socket to a raw sockaddr (for a TCP socket in repair mode: no packet is sent). */
    public static void connect(int fd, byte[] address) throws ErrnoException {
        addressCall(fd, SysNr.CONNECT, "connect", address);
    }

    /**
     * Whether an error is pending on the socket (SO_ERROR, or a message on its error queue), as poll()
     * shows it: reading SO_ERROR would clear it, poll leaves it.
     */
    public static boolean errorPending(int fd) {
        MemorySegment s = Scratch.get();
        s.set(ValueLayout.JAVA_INT, 0, fd);  // struct pollfd: fd, events, revents
        s.set(ValueLayout.JAVA_INT, 4, 0);
        long n = Syscall.raw(POLL, s.address(), 1, 0, 0, 0, 0);
        return n > 0 && (s.get(ValueLayout.JAVA_SHORT, 6) & POLLERR) != 0;
    }

    /** shutdown(2): {@code how} is SHUT_RD 0, SHUT_WR 1 or SHUT_RDWR 2. */
    public static void shutdown(int fd, int how) throws ErrnoException {
        Syscall.call("shutdown", SysNr.SHUTDOWN, fd, how);
    }

    private static void addressCall(int fd, int nr, String what, byte[] address) throws ErrnoException {
        MemorySegment s = Scratch.get();
        MemorySegment.copy(address, 0, s, ValueLayout.JAVA_BYTE, 0, address.length);
        Syscall.call(what, nr, fd, s.address(), address.length);
    }

    /** A new socket of our own, closed by the caller (to learn what a fresh socket's options are). */
    public static int open(int domain, int type, int protocol) throws ErrnoException {
        return (int) Syscall.call("socket(" + domain + ", " + type + ")", SysNr.SOCKET, domain, type | SOCK_CLOEXEC, protocol);
    }

    /**
     * What waits in the receive queue.
     *
     * @param messages the bytes: one element for a stream socket, one per message otherwise
     * @param control  some message carried control data (descriptors, credentials), which is not kept
     * @param namedSenders some message came from a bound socket (a datagram's sender has a name)
     * @param senders  for messages (not a stream): each one's sender, a raw sockaddr (the family alone, 2
     *                 bytes, for an unbound unix sender); empty for a stream
     */
    public record Queued(List<byte[]> messages, boolean control, boolean namedSenders, List<byte[]> senders) {
    }

    private static final int POLL = 7, POLLERR = 8; // not in SysNr: only this binding uses it
    private static final int PEEK_BUFFER = 1 << 20, CONTROL = 512, NAME = 128, MSG_TRUNC = 0x20, EAGAIN = 11, SCM_RIGHTS = 1;

    /**
     * Reads what waits to be read without taking it: with SO_PEEK_OFF set, successive MSG_PEEK reads move on
     * through the queue instead of returning its head again. The peek offset is put back as it was (the
     * application may use it). Descriptors passed with SCM_RIGHTS that a peek installs here are closed.
     */
    public static Queued peekQueue(int fd, boolean records) throws ErrnoException {
        int before = intOption(fd, SOL_SOCKET, SO_PEEK_OFF);
        setInt(fd, SOL_SOCKET, SO_PEEK_OFF, 0);
        List<byte[]> out = new ArrayList<>(), senders = new ArrayList<>();
        boolean control = false, named = false;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(PEEK_BUFFER);
            MemorySegment msg = arena.allocate(56 + 16 + CONTROL + NAME, 8); // msghdr, iovec, control, sender's name
            long name = msg.address() + 72 + CONTROL;
            ByteArrayOutputStream stream = new ByteArrayOutputStream();
            for (;;) {
                msg.fill((byte) 0);
                long iov = msg.address() + 56, ctl = msg.address() + 72;
                msg.set(ValueLayout.JAVA_LONG, 56, buf.address());
                msg.set(ValueLayout.JAVA_LONG, 64, PEEK_BUFFER);
                msg.set(ValueLayout.JAVA_LONG, 16, iov);
                msg.set(ValueLayout.JAVA_LONG, 24, 1);
                msg.set(ValueLayout.JAVA_LONG, 32, ctl);
                msg.set(ValueLayout.JAVA_LONG, 40, CONTROL);
                msg.set(ValueLayout.JAVA_LONG, 0, name);
                msg.set(ValueLayout.JAVA_INT, 8, NAME);
                long n = Syscall.raw(SysNr.RECVMSG, fd, msg.address(), MSG_PEEK | MSG_DONTWAIT, 0, 0, 0);
                if (n == -EAGAIN) break;
                if (n < 0) throw ErrnoException.of("recvmsg(MSG_PEEK)", (int) -n);
                // end of stream; or, for messages, the end of file of a socket shut down for reading, which
                // (unlike an empty message, whose sender's name is given) leaves the name length 0
                if (n == 0 && (!records || msg.get(ValueLayout.JAVA_INT, 8) == 0)) break;
                if ((msg.get(ValueLayout.JAVA_INT, 48) & MSG_TRUNC) != 0) {
                    throw ErrnoException.of("recvmsg(MSG_PEEK): a message larger than " + PEEK_BUFFER + " bytes", 90);
                }
                long controlLength = msg.get(ValueLayout.JAVA_LONG, 40);
                if (controlLength > 0) {
                    control = true;
                    closePassedFds(msg.asSlice(72, Math.min(controlLength, CONTROL)));
                }
                // a unix sender that is not bound shows a name of the family alone (2 bytes)
                int nameLength = Math.min(msg.get(ValueLayout.JAVA_INT, 8), NAME);
                if (records && nameLength > 2) named = true;
                byte[] data = buf.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE);
                if (records) {
                    out.add(data);
                    senders.add(msg.asSlice(72 + CONTROL, Math.max(nameLength, 0)).toArray(ValueLayout.JAVA_BYTE));
                }
                else stream.writeBytes(data);
            }
            if (!records && stream.size() > 0) out.add(stream.toByteArray());
        } finally {
            setInt(fd, SOL_SOCKET, SO_PEEK_OFF, before);
        }
        return new Queued(List.copyOf(out), control, named, List.copyOf(senders));
    }

    /** cmsghdr { size_t len; int level; int type; data } records; SCM_RIGHTS data is an array of fds. */
    private static void closePassedFds(MemorySegment control) {
        for (long at = 0; at + 16 <= control.byteSize(); ) {
            long len = control.get(ValueLayout.JAVA_LONG, at);
            if (len < 16 || at + len > control.byteSize()) break;
            if (control.get(ValueLayout.JAVA_INT, at + 8) == SOL_SOCKET && control.get(ValueLayout.JAVA_INT, at + 12) == SCM_RIGHTS) {
                for (long f = at + 16; f + 4 <= at + len; f += 4) {
                    Syscall.raw(SysNr.CLOSE, control.get(ValueLayout.JAVA_INT, f), 0, 0, 0, 0, 0);
                }
            }
            at += (len + 7) & ~7;
        }
    }

    /** Sets an int option. */
    public static void setInt(int fd, int level, int name, int value) throws ErrnoException {
        MemorySegment s = Scratch.get();
        s.set(ValueLayout.JAVA_INT, 0, value);
        Syscall.call("setsockopt(" + level + ", " + name + ")", SysNr.SETSOCKOPT, fd, level, name, s.address(), 4, 0);
    }
}
