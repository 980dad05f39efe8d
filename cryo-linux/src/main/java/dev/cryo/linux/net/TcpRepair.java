package dev.cryo.linux.net;

import dev.cryo.linux.errno.ErrnoException;
import dev.cryo.linux.syscall.Scratch;
import dev.cryo.linux.syscall.SysNr;
import dev.cryo.linux.syscall.Syscall;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The kernel's TCP repair mode on a socket held in this process (needs CAP_NET_ADMIN). In repair mode a
 * connection's hidden state can be read and written: the sequence number of each queue, the bytes in
 * them (peeked, the send queue included), the options agreed with the peer and the windows; connect()
 * sends no SYN and closing sends no FIN or RST. Repair mode belongs to the socket, not the descriptor.
 */
public final class TcpRepair {
    /** The queues that TCP_REPAIR_QUEUE selects. */
    public static final int NO_QUEUE = 0, RECV_QUEUE = 1, SEND_QUEUE = 2;
    private static final int IPPROTO_TCP = 6, TCP_MAXSEG = 2, TCP_REPAIR = 19, TCP_REPAIR_QUEUE = 20, TCP_QUEUE_SEQ = 21,
            TCP_REPAIR_OPTIONS = 22, TCP_TIMESTAMP = 24, TCP_REPAIR_WINDOW = 29, REPAIR_ON = 1, REPAIR_OFF = 0,
            TCPOPT_MSS = 2, TCPOPT_WINDOW = 3, TCPOPT_SACK_PERM = 4, TCPOPT_TIMESTAMP = 8,
            SIOCINQ = 0x541B, SIOCOUTQ = 0x5411, SIOCOUTQNSD = 0x894B,
            MSG_OOB = 1, MSG_PEEK = 2, MSG_DONTWAIT = 0x40, MSG_NOSIGNAL = 0x4000, EAGAIN = 11, ENOMEM = 12,
            SEND_CHUNK = 256 * 1024, MIN_CHUNK = 4096;

    /** The window state TCP_REPAIR_WINDOW reads and writes (struct tcp_repair_window). */
    public record Window(int sndWl1, int sndWnd, int maxWindow, int rcvWnd, int rcvWup) {
    }

    private TcpRepair() {}

    /** Enters repair mode (the kernel then also lets the socket bind to any port: SK_FORCE_REUSE). */
    public static void on(int fd) throws ErrnoException {
        setInt(fd, TCP_REPAIR, REPAIR_ON, "TCP_REPAIR on");
    }

    /**
     * Leaves repair mode; the kernel sends a window probe (an ACK carrying the current sequence numbers) so
     * the peer and this socket agree again. SO_REUSEADDR is cleared by this: set it again if it was set.
     */
    public static void off(int fd) throws ErrnoException {
        setInt(fd, TCP_REPAIR, REPAIR_OFF, "TCP_REPAIR off");
    }

    /** Selects the queue that {@link #queueSeq}, {@link #peek} and {@link #send} work on. */
    public static void select(int fd, int queue) throws ErrnoException {
        setInt(fd, TCP_REPAIR_QUEUE, queue, "TCP_REPAIR_QUEUE");
    }

    /** The selected queue's next sequence number: rcv_nxt for the receive queue, write_seq for the send queue. */
    public static int queueSeq(int fd) throws ErrnoException {
        return getInt(fd, TCP_QUEUE_SEQ, "TCP_QUEUE_SEQ");
    }

    /** Sets the selected queue's first sequence number, on a socket not connected yet. */
    public static void setQueueSeq(int fd, int seq) throws ErrnoException {
        setInt(fd, TCP_QUEUE_SEQ, seq, "TCP_QUEUE_SEQ");
    }

    /** In repair mode: the MSS clamp agreed with the peer. */
    public static int mss(int fd) throws ErrnoException {
        return getInt(fd, TCP_MAXSEG, "TCP_MAXSEG");
    }

    /**
     * Sets the user's MSS limit (TCP_MAXSEG; 0 removes it). Set before a repair-mode connect, it is what the
     * kernel sizes segments by: the MSS given later with {@link #setOptions} does not resize them.
     */
    public static void setUserMss(int fd, int mss) throws ErrnoException {
        setInt(fd, TCP_MAXSEG, mss, "TCP_MAXSEG");
    }

    /** The connection's timestamp clock as the peer sees it (the low bit says whether it counts microseconds). */
    public static int timestamp(int fd) throws ErrnoException {
        return getInt(fd, TCP_TIMESTAMP, "TCP_TIMESTAMP");
    }

    public static void setTimestamp(int fd, int value) throws ErrnoException {
        setInt(fd, TCP_TIMESTAMP, value, "TCP_TIMESTAMP");
    }

    public static Window window(int fd) throws ErrnoException {
        MemorySegment s = Scratch.get();
        s.set(ValueLayout.JAVA_INT, 64, 20);
        Syscall.call("getsockopt(TCP_REPAIR_WINDOW)", SysNr.GETSOCKOPT, fd, IPPROTO_TCP, TCP_REPAIR_WINDOW, s.address(),
                s.address() + 64, 0);
        return new Window(s.get(ValueLayout.JAVA_INT, 0), s.get(ValueLayout.JAVA_INT, 4), s.get(ValueLayout.JAVA_INT, 8),
                s.get(ValueLayout.JAVA_INT, 12), s.get(ValueLayout.JAVA_INT, 16));
    }

    /** Sets the windows; the receive queue must be in place (the kernel checks them against rcv_nxt). */
    public static void setWindow(int fd, Window w) throws ErrnoException {
        MemorySegment s = Scratch.get();
        s.set(ValueLayout.JAVA_INT, 0, w.sndWl1());
        s.set(ValueLayout.JAVA_INT, 4, w.sndWnd());
        s.set(ValueLayout.JAVA_INT, 8, w.maxWindow());
        s.set(ValueLayout.JAVA_INT, 12, w.rcvWnd());
        s.set(ValueLayout.JAVA_INT, 16, w.rcvWup());
        Syscall.call("setsockopt(TCP_REPAIR_WINDOW)", SysNr.SETSOCKOPT, fd, IPPROTO_TCP, TCP_REPAIR_WINDOW, s.address(), 20, 0);
    }

    /**
     * Sets what was agreed in the handshake, on a connection restored in repair mode before any data is
     * queued: the MSS clamp, and the window scales, SACK and timestamps when they were agreed.
     *
     * @param windowScale the scales, or -1 when the peers agreed none: send scale in the low 16 bits, receive above
     */
    public static void setOptions(int fd, int mss, int windowScale, boolean sack, boolean timestamps) throws ErrnoException {
        MemorySegment s = Scratch.get();
        int n = 0;
        n = option(s, n, TCPOPT_MSS, mss);
        if (windowScale >= 0) n = option(s, n, TCPOPT_WINDOW, windowScale);
        if (sack) n = option(s, n, TCPOPT_SACK_PERM, 0);
        if (timestamps) n = option(s, n, TCPOPT_TIMESTAMP, 0);
        Syscall.call("setsockopt(TCP_REPAIR_OPTIONS)", SysNr.SETSOCKOPT, fd, IPPROTO_TCP, TCP_REPAIR_OPTIONS, s.address(),
                n * 8L, 0);
    }

    private static int option(MemorySegment s, int n, int code, int value) {
        s.set(ValueLayout.JAVA_INT, n * 8L, code);
        s.set(ValueLayout.JAVA_INT, n * 8L + 4, value);
        return n + 1;
    }

    /** Bytes received and not yet read by the application. */
    public static int unread(int fd) throws ErrnoException {
        return ioctlInt(fd, SIOCINQ, "ioctl(SIOCINQ)");
    }

    /** Bytes in the send queue: not yet acknowledged by the peer, sent or not. */
    public static int unacknowledged(int fd) throws ErrnoException {
        return ioctlInt(fd, SIOCOUTQ, "ioctl(SIOCOUTQ)");
    }

    /** Bytes in the send queue that were never sent. */
    public static int unsent(int fd) throws ErrnoException {
        return ioctlInt(fd, SIOCOUTQNSD, "ioctl(SIOCOUTQNSD)");
    }

    /**
     * True when urgent (out-of-band) data is pending or announced by the peer: a peek with MSG_OOB finds a
     * byte, or says it is still to come.
     */
    public static boolean urgentPending(int fd) {
        MemorySegment s = Scratch.get();
        long r = Syscall.raw(SysNr.RECVFROM, fd, s.address(), 1, MSG_OOB | MSG_PEEK | MSG_DONTWAIT, 0, 0);
        return r == 1 || r == -EAGAIN;
    }

    /**
     * The bytes of the selected queue (in repair mode), without taking them: at most {@code length} + 1, so
     * that a queue longer than expected shows as such.
     */
    public static byte[] peek(int fd, int length) throws ErrnoException {
        if (length == 0) return new byte[0];
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(length + 1L);
            long n = Syscall.raw(SysNr.RECVFROM, fd, buf.address(), length + 1L, MSG_PEEK | MSG_DONTWAIT, 0, 0);
            if (n == -EAGAIN) return new byte[0];
            // the send queue is copied whole or not at all: a queue grown past the buffer says EFAULT
            if (n == -14 /* EFAULT */) return new byte[length + 1];
            if (n < 0) throw ErrnoException.of("recv(MSG_PEEK) in repair mode", (int) -n);
            return buf.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE);
        }
    }

    /**
     * Sends {@code data[from, to)}: in repair mode into the selected queue (the receive queue is filled as if
     * the peer had sent it, the send queue as sent and not yet acknowledged), else as the application would.
     * Never blocks: returns how many bytes went, fewer when the send buffer is full. Repair-mode sends are
     * one buffer each: smaller pieces are tried when the kernel cannot allocate a large one.
     */
    public static int send(int fd, byte[] data, int from, int to) throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(Math.max(1, Math.min(SEND_CHUNK, to - from)));
            int chunk = (int) buf.byteSize();
            int at = from;
            while (at < to) {
                int n = Math.min(chunk, to - at);
                MemorySegment.copy(data, at, buf, ValueLayout.JAVA_BYTE, 0, n);
                long r = Syscall.raw(SysNr.SENDTO, fd, buf.address(), n, MSG_DONTWAIT | MSG_NOSIGNAL, 0, 0);
                if (r == -ENOMEM && chunk > MIN_CHUNK) {
                    chunk /= 2;
                    continue;
                }
                if (r == -EAGAIN || r == 0) break;
                if (r < 0) throw ErrnoException.of("send (" + (to - at) + " of " + (to - from) + " bytes left)", (int) -r);
                at += (int) r;
            }
            return at - from;
        }
    }

    private static int ioctlInt(int fd, int request, String what) throws ErrnoException {
        MemorySegment s = Scratch.get();
        Syscall.call(what, SysNr.IOCTL, fd, request, s.address());
        return s.get(ValueLayout.JAVA_INT, 0);
    }

    private static int getInt(int fd, int name, String what) throws ErrnoException {
        MemorySegment s = Scratch.get();
        s.set(ValueLayout.JAVA_INT, 8, 4);
        Syscall.call("getsockopt(" + what + ")", SysNr.GETSOCKOPT, fd, IPPROTO_TCP, name, s.address(), s.address() + 8, 0);
        return s.get(ValueLayout.JAVA_INT, 0);
    }

    private static void setInt(int fd, int name, int value, String what) throws ErrnoException {
        MemorySegment s = Scratch.get();
        s.set(ValueLayout.JAVA_INT, 0, value);
        Syscall.call("setsockopt(" + what + ")", SysNr.SETSOCKOPT, fd, IPPROTO_TCP, name, s.address(), 4, 0);
    }
}
