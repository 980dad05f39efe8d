package dev.cryo.linux.net;

import dev.cryo.linux.errno.ErrnoException;

import java.lang.foreign.ValueLayout;
import java.util.HashMap;
import java.util.Map;

/**
 * The accept queues of the listening TCP sockets of cryo's network namespace, from sock_diag (inet_diag):
 * how many connections wait to be accepted, and the backlog given to listen(), which /proc/net/tcp does
 * not show.
 */
public final class ListenQueues {
    /** @param waiting connections in the accept queue; @param backlog the listen() backlog */
    public record Queue(int waiting, int backlog) {
    }

    private static final int IPPROTO_TCP = 6, TCP_LISTEN = 10, REQUEST = 56;

    private ListenQueues() {}

    /** Listening TCP sockets of one family (AF_INET or AF_INET6), keyed by socket inode. */
    public static Map<Long, Queue> tcp(int family) throws ErrnoException {
        byte[] req = new byte[REQUEST]; // inet_diag_req_v2: family, protocol, ext, pad, states, sockid
        req[0] = (byte) family;
        req[1] = (byte) IPPROTO_TCP;
        java.nio.ByteBuffer.wrap(req).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(4, 1 << TCP_LISTEN);
        Map<Long, Queue> out = new HashMap<>();
        // inet_diag_msg: 4 bytes, sockid 48, expires, rqueue, wqueue, uid, inode
        SockDiag.dump(req, (m, len) -> out.put(Integer.toUnsignedLong(m.get(ValueLayout.JAVA_INT, 68)),
                new Queue(m.get(ValueLayout.JAVA_INT, 56), m.get(ValueLayout.JAVA_INT, 60))));
        return out;
    }
}
