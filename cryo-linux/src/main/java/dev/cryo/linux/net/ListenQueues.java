package dev.cryo.linux.net;

import dev.cryo.linux.errno.ErrnoException;

import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The accept queues of the listening TCP sockets of cryo's network namespace, from sock_diag (inet_diag):
 * how many connections wait to be accepted, how many are still being made (handshakes under way, which
 * the kernel holds apart from the listener, as SYN_RECV request sockets), and the backlog given to
 * listen(), which /proc/net/tcp does not show.
 */
public final class ListenQueues {
    /**
     * @param waiting    connections in the accept queue
     * @param backlog    the listen() backlog
     * @param connecting handshakes under way to the listener's address and port (SYN_RECV)
     */
    public record Queue(int waiting, int backlog, int connecting) {
        /** True when a connection is waiting or being made. */
        public boolean busy() {
            return waiting > 0 || connecting > 0;
        }
    }

    private static final int IPPROTO_TCP = 6, TCP_SYN_RECV = 3, TCP_LISTEN = 10, REQUEST = 56, AF_INET = 2;

    /** One answer: a listener (with its inode) or a request socket (inode 0). */
    private record Entry(int state, int port, byte[] address, long inode, int rqueue, int wqueue) {}

    private ListenQueues() {}

    /** Listening TCP sockets of one family (AF_INET or AF_INET6), keyed by socket inode. */
    public static Map<Long, Queue> tcp(int family) throws ErrnoException {
        byte[] req = new byte[REQUEST]; // inet_diag_req_v2: family, protocol, ext, pad, states, sockid
        req[0] = (byte) family;
        req[1] = (byte) IPPROTO_TCP;
        java.nio.ByteBuffer.wrap(req).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(4, 1 << TCP_LISTEN | 1 << TCP_SYN_RECV);
        int addressLength = family == AF_INET ? 4 : 16;
        List<Entry> entries = new ArrayList<>();
        // inet_diag_msg: family, state, timer, retrans; sockid (sport, dport big-endian, src[16], dst[16],
        // if, cookie[2]); expires, rqueue, wqueue, uid, inode
        SockDiag.dump(req, (m, len) -> entries.add(new Entry(m.get(ValueLayout.JAVA_BYTE, 1) & 0xff,
                Short.toUnsignedInt(Short.reverseBytes(m.get(ValueLayout.JAVA_SHORT, 4))),
                m.asSlice(8, addressLength).toArray(ValueLayout.JAVA_BYTE),
                Integer.toUnsignedLong(m.get(ValueLayout.JAVA_INT, 68)), m.get(ValueLayout.JAVA_INT, 56),
                m.get(ValueLayout.JAVA_INT, 60))));
        Map<Long, Queue> out = new HashMap<>();
        for (Entry l : entries) {
            if (l.state() != TCP_LISTEN) continue;
            int connecting = 0;
            for (Entry r : entries) {
                if (r.state() == TCP_SYN_RECV && r.port() == l.port() && covers(l.address(), r.address())) connecting++;
            }
            out.put(l.inode(), new Queue(l.rqueue(), l.wqueue(), connecting));
        }
        return out;
    }

    /**
     * Whether a listener bound to {@code listener} takes connections made to {@code local}: a wildcard
     * listener takes any; a request socket whose address the kernel leaves unset (an IPv4 connection to
     * an IPv6 listener) is counted for every listener of its port, which at worst makes a caller wait.
     */
    private static boolean covers(byte[] listener, byte[] local) {
        return isZero(listener) || isZero(local) || Arrays.equals(listener, local);
    }

    private static boolean isZero(byte[] a) {
        for (byte b : a) if (b != 0) return false;
        return true;
    }
}
