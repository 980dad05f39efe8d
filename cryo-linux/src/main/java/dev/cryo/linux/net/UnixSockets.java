package dev.cryo.linux.net;

import dev.cryo.linux.errno.ErrnoException;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.HashMap;
import java.util.Map;

/** The unix sockets of cryo's network namespace as sock_diag (unix_diag) sees them: names, peers, queues. */
public final class UnixSockets {
    /**
     * @param name     the bound name as in sun_path (a leading NUL for the abstract namespace), null when unbound
     * @param peer     the inode of the socket it is connected to, 0 when none
     * @param rqueue   for a listener, connections waiting to be accepted; else bytes waiting to be read
     * @param wqueue   for a listener, the listen() backlog
     * @param shutdown the socket's shutdown bits: RCV_SHUTDOWN 1, SEND_SHUTDOWN 2
     */
    public record Socket(long inode, int type, int state, byte[] name, long peer, int rqueue, int wqueue,
                         int shutdown) {
        public static final int TCP_LISTEN = 10;

        public boolean listening() {
            return state == TCP_LISTEN;
        }
    }

    private static final int REQUEST = 24, AF_UNIX = 1, UDIAG_SHOW_NAME = 1, UDIAG_SHOW_PEER = 4,
            UDIAG_SHOW_RQLEN = 16, UNIX_DIAG_NAME = 0, UNIX_DIAG_PEER = 2, UNIX_DIAG_RQLEN = 4, UNIX_DIAG_SHUTDOWN = 6,
            MSG = 16;

    private UnixSockets() {}

    /** Every unix socket, keyed by inode. */
    public static Map<Long, Socket> all() throws ErrnoException {
        byte[] req = new byte[REQUEST]; // unix_diag_req: family, protocol, pad, states, ino, show, cookie
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(req).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.put(0, (byte) AF_UNIX).putInt(4, -1).putInt(12, UDIAG_SHOW_NAME | UDIAG_SHOW_PEER | UDIAG_SHOW_RQLEN);
        Map<Long, Socket> out = new HashMap<>();
        SockDiag.dump(req, (m, len) -> {
            Socket s = parse(m, len);
            out.put(s.inode(), s);
        });
        return out;
    }

    private static Socket parse(MemorySegment m, int len) {
        int type = m.get(ValueLayout.JAVA_BYTE, 1), state = m.get(ValueLayout.JAVA_BYTE, 2);
        long inode = Integer.toUnsignedLong(m.get(ValueLayout.JAVA_INT, 4));
        byte[] name = null;
        long peer = 0;
        int rq = 0, wq = 0, shutdown = 0;
        for (int at = MSG; at + 4 <= len; ) {
            int alen = Short.toUnsignedInt(m.get(ValueLayout.JAVA_SHORT_UNALIGNED, at));
            int atype = Short.toUnsignedInt(m.get(ValueLayout.JAVA_SHORT_UNALIGNED, at + 2));
            if (alen < 4 || at + alen > len) break;
            MemorySegment v = m.asSlice(at + 4, alen - 4);
            switch (atype) {
                case UNIX_DIAG_NAME -> name = v.toArray(ValueLayout.JAVA_BYTE);
                case UNIX_DIAG_PEER -> peer = Integer.toUnsignedLong(v.get(ValueLayout.JAVA_INT_UNALIGNED, 0));
                case UNIX_DIAG_RQLEN -> {
                    rq = v.get(ValueLayout.JAVA_INT_UNALIGNED, 0);
                    wq = v.get(ValueLayout.JAVA_INT_UNALIGNED, 4);
                }
                case UNIX_DIAG_SHUTDOWN -> shutdown = v.get(ValueLayout.JAVA_BYTE, 0);
                default -> { }
            }
            at += (alen + 3) & ~3;
        }
        return new Socket(inode, type, state, name, peer, rq, wq, shutdown);
    }
}
