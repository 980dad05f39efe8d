package dev.cryo.linux.net;

import dev.cryo.linux.errno.ErrnoException;
import dev.cryo.linux.syscall.Scratch;
import dev.cryo.linux.syscall.SysNr;
import dev.cryo.linux.syscall.Syscall;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.HashMap;
import java.util.Map;

/**
 * The accept queues of the listening TCP sockets of cryo's network namespace, from sock_diag
 * (NETLINK_SOCK_DIAG, inet_diag): how many connections wait to be accepted, and the backlog given to
 * listen(), which /proc/net/tcp does not show.
 */
public final class ListenQueues {
    /** @param waiting connections in the accept queue; @param backlog the listen() backlog */
    public record Queue(int waiting, int backlog) {
    }

    private static final int AF_NETLINK = 16, SOCK_DGRAM = 2, SOCK_CLOEXEC = 02000000, NETLINK_SOCK_DIAG = 4,
            SOCK_DIAG_BY_FAMILY = 20, NLM_F_REQUEST = 1, NLM_F_DUMP = 0x300, NLMSG_DONE = 3, NLMSG_ERROR = 2,
            IPPROTO_TCP = 6, TCP_LISTEN = 10, HEADER = 16, REQUEST = 56, BUFFER = 32 * 1024;

    private ListenQueues() {}

    /** Listening TCP sockets of one family (AF_INET or AF_INET6), keyed by socket inode. */
    public static Map<Long, Queue> tcp(int family) throws ErrnoException {
        int fd = (int) Syscall.call("socket(AF_NETLINK, NETLINK_SOCK_DIAG)", SysNr.SOCKET, AF_NETLINK,
                SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
        try {
            MemorySegment s = Scratch.get();
            s.asSlice(0, HEADER + REQUEST).fill((byte) 0);
            s.set(ValueLayout.JAVA_INT, 0, HEADER + REQUEST);                  // nlmsg_len
            s.set(ValueLayout.JAVA_SHORT, 4, (short) SOCK_DIAG_BY_FAMILY);     // nlmsg_type
            s.set(ValueLayout.JAVA_SHORT, 6, (short) (NLM_F_REQUEST | NLM_F_DUMP));
            s.set(ValueLayout.JAVA_BYTE, HEADER, (byte) family);               // inet_diag_req_v2
            s.set(ValueLayout.JAVA_BYTE, HEADER + 1, (byte) IPPROTO_TCP);
            s.set(ValueLayout.JAVA_INT, HEADER + 4, 1 << TCP_LISTEN);          // idiag_states
            Syscall.call("send sock_diag request", SysNr.SENDTO, fd, s.address(), HEADER + REQUEST, 0, 0, 0);
            Map<Long, Queue> out = new HashMap<>();
            for (;;) {
                long n = Syscall.call("recv sock_diag", SysNr.RECVFROM, fd, s.address(), BUFFER, 0, 0, 0);
                for (int at = 0; at + HEADER <= n; ) {
                    int len = s.get(ValueLayout.JAVA_INT, at);
                    int type = s.get(ValueLayout.JAVA_SHORT, at + 4);
                    if (type == NLMSG_DONE) return out;
                    if (type == NLMSG_ERROR) {
                        throw ErrnoException.of("sock_diag", -s.get(ValueLayout.JAVA_INT, at + HEADER));
                    }
                    int msg = at + HEADER; // inet_diag_msg: 4 bytes, sockid 48, expires, rqueue, wqueue, uid, inode
                    out.put(Integer.toUnsignedLong(s.get(ValueLayout.JAVA_INT, msg + 68)),
                            new Queue(s.get(ValueLayout.JAVA_INT, msg + 56), s.get(ValueLayout.JAVA_INT, msg + 60)));
                    if (len < HEADER) break;
                    at += (len + 3) & ~3;
                }
            }
        } finally {
            Syscall.raw(SysNr.CLOSE, fd, 0, 0, 0, 0, 0);
        }
    }
}
