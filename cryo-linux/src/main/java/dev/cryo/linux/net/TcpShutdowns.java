package dev.cryo.linux.net;

import dev.cryo.linux.errno.ErrnoException;

import java.lang.foreign.ValueLayout;
import java.util.HashMap;
import java.util.Map;

/**
 * The shutdown bits of the established TCP sockets of cryo's network namespace, from sock_diag
 * (INET_DIAG_SHUTDOWN, which no socket option shows): RCV_SHUTDOWN (1) for a socket shut down for
 * reading, which leaves a connection established (shutting down for writing sends a FIN: the connection
 * is then being closed).
 */
public final class TcpShutdowns {
    public static final int RCV_SHUTDOWN = 1, SEND_SHUTDOWN = 2;
    private static final int IPPROTO_TCP = 6, TCP_ESTABLISHED = 1, REQUEST = 56, MSG = 72, INET_DIAG_SHUTDOWN = 8;

    private TcpShutdowns() {}

    /** The established TCP sockets of one family (AF_INET or AF_INET6) that have any shutdown bit, by inode. */
    public static Map<Long, Integer> established(int family) throws ErrnoException {
        byte[] req = new byte[REQUEST]; // inet_diag_req_v2: family, protocol, ext, pad, states, sockid
        req[0] = (byte) family;
        req[1] = (byte) IPPROTO_TCP;
        java.nio.ByteBuffer.wrap(req).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(4, 1 << TCP_ESTABLISHED);
        Map<Long, Integer> out = new HashMap<>();
        SockDiag.dump(req, (m, len) -> {
            // the attributes follow inet_diag_msg (its inode at 68); INET_DIAG_SHUTDOWN is always among them
            for (int at = MSG; at + 4 <= len; ) {
                int alen = Short.toUnsignedInt(m.get(ValueLayout.JAVA_SHORT_UNALIGNED, at));
                int type = Short.toUnsignedInt(m.get(ValueLayout.JAVA_SHORT_UNALIGNED, at + 2));
                if (alen < 4 || at + alen > len) break;
                if (type == INET_DIAG_SHUTDOWN && alen > 4) {
                    int bits = m.get(ValueLayout.JAVA_BYTE, at + 4) & 0xff;
                    if (bits != 0) out.put(Integer.toUnsignedLong(m.get(ValueLayout.JAVA_INT, 68)), bits);
                }
                at += (alen + 3) & ~3;
            }
        });
        return out;
    }
}
