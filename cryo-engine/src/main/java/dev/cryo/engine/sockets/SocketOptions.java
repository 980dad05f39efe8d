package dev.cryo.engine.sockets;

import dev.cryo.engine.RestoreSession;
import dev.cryo.image.fd.SocketOption;
import dev.cryo.linux.errno.Errno;
import dev.cryo.linux.fd.RemoteFds;
import dev.cryo.linux.net.Sockets;
import dev.cryo.linux.syscall.SysNr;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The socket options worth saving, of every family: those whose value differs from a new socket's of the
 * same kind (so that defaults, which depend on sysctls, are never pinned). An option a socket does not
 * have (an IP option on a unix socket) is skipped.
 */
final class SocketOptions {
    private static final int IPPROTO_TCP = 6, IPPROTO_IP = 0, IPPROTO_IPV6 = 41, SOL_SOCKET = 1, SO_SNDBUF = 7,
            SO_RCVBUF = 8, SO_SNDBUFFORCE = 32, SO_RCVBUFFORCE = 33,
            SOCK_STREAM = 1;

    /** The options saved when they differ from a new socket's: {level, name}. */
    private static final int[][] OPTIONS = {
            {SOL_SOCKET, 2 /* SO_REUSEADDR */}, {SOL_SOCKET, 15 /* SO_REUSEPORT */}, {SOL_SOCKET, 9 /* SO_KEEPALIVE */},
            {SOL_SOCKET, 6 /* SO_BROADCAST */}, {SOL_SOCKET, 13 /* SO_LINGER */}, {SOL_SOCKET, SO_RCVBUF},
            {SOL_SOCKET, SO_SNDBUF}, {SOL_SOCKET, 18 /* SO_RCVLOWAT */}, {SOL_SOCKET, 20 /* SO_RCVTIMEO */},
            {SOL_SOCKET, 21 /* SO_SNDTIMEO */}, {SOL_SOCKET, 12 /* SO_PRIORITY */}, {SOL_SOCKET, 36 /* SO_MARK */},
            {SOL_SOCKET, 10 /* SO_OOBINLINE */}, {SOL_SOCKET, 29 /* SO_TIMESTAMP */},
            {SOL_SOCKET, 25 /* SO_BINDTODEVICE */}, {SOL_SOCKET, 16 /* SO_PASSCRED */},
            {SOL_SOCKET, 42 /* SO_PEEK_OFF */},
            {IPPROTO_IP, 1 /* IP_TOS */}, {IPPROTO_IP, 2 /* IP_TTL */}, {IPPROTO_IP, 15 /* IP_FREEBIND */},
            {IPPROTO_IP, 19 /* IP_TRANSPARENT */}, {IPPROTO_IP, 33 /* IP_MULTICAST_TTL */},
            {IPPROTO_IP, 34 /* IP_MULTICAST_LOOP */},
            {IPPROTO_IPV6, 26 /* IPV6_V6ONLY */}, {IPPROTO_IPV6, 16 /* IPV6_UNICAST_HOPS */},
            {IPPROTO_IPV6, 67 /* IPV6_TCLASS */}, {IPPROTO_IPV6, 18 /* IPV6_MULTICAST_HOPS */},
            {IPPROTO_IPV6, 19 /* IPV6_MULTICAST_LOOP */}, {IPPROTO_IPV6, 78 /* IPV6_FREEBIND */},
            {IPPROTO_IPV6, 75 /* IPV6_TRANSPARENT */},
            {IPPROTO_TCP, 1 /* TCP_NODELAY */}, {IPPROTO_TCP, 3 /* TCP_CORK */}, {IPPROTO_TCP, 4 /* TCP_KEEPIDLE */},
            {IPPROTO_TCP, 5 /* TCP_KEEPINTVL */}, {IPPROTO_TCP, 6 /* TCP_KEEPCNT */},
            {IPPROTO_TCP, 9 /* TCP_DEFER_ACCEPT */}, {IPPROTO_TCP, 18 /* TCP_USER_TIMEOUT */},
            {IPPROTO_TCP, 23 /* TCP_FASTOPEN */}, {IPPROTO_TCP, 13 /* TCP_CONGESTION */},
    };

    private SocketOptions() {}

    static List<SocketOption> changed(int local, int family, int type, int protocol) throws IOException {
        int fresh = Sockets.open(family, type, protocol);
        try {
            List<SocketOption> out = new ArrayList<>();
            for (int[] o : OPTIONS) {
                if (type == SOCK_STREAM && isMulticast(o)) continue;
                byte[] theirs = Sockets.option(local, o[0], o[1]);
                if (theirs == null || Arrays.equals(theirs, Sockets.option(fresh, o[0], o[1]))) continue;
                out.add(new SocketOption(o[0], o[1], theirs));
            }
            return List.copyOf(out);
        } finally {
            RemoteFds.close(fresh);
        }
    }

    /**
     * Multicast options mean nothing to a stream socket, and cannot be set on one; an accepted TCP socket
     * still shows values of its own (the kernel copies the SYN's TTL or hop limit into them).
     */
    private static boolean isMulticast(int[] o) {
        return (o[0] == IPPROTO_IP && (o[1] == 33 || o[1] == 34)) || (o[0] == IPPROTO_IPV6 && (o[1] == 18 || o[1] == 19));
    }

    /** Sets the saved options on the new socket {@code fd} inside the task, before it is bound. */
    static void restore(RestoreSession s, long fd, List<SocketOption> options, String what) throws IOException {
        var inj = s.main();
        for (SocketOption o : options) {
            byte[] value = o.value();
            int name = o.name();
            if (o.level() == SOL_SOCKET && (name == SO_RCVBUF || name == SO_SNDBUF)) {
                // the kernel doubles what it is given (room for its bookkeeping): give half; FORCE passes rmem_max
                int half = ByteBuffer.wrap(value).order(ByteOrder.LITTLE_ENDIAN).getInt() / 2;
                value = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(half).array();
                name = name == SO_RCVBUF ? SO_RCVBUFFORCE : SO_SNDBUFFORCE;
            }
            s.resetArgs();
            long v = s.put(value);
            long r = inj.raw(SysNr.SETSOCKOPT, fd, o.level(), name, v, value.length, 0);
            if (r < 0) {
                throw new IOException(what + ": cannot set socket option " + o.level() + "/" + o.name() + " again: "
                        + Errno.describe((int) -r));
            }
        }
    }
}
