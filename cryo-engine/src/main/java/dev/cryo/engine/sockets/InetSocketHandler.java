package dev.cryo.engine.sockets;

import dev.cryo.engine.RestoreSession;
import dev.cryo.engine.TreeFiles;
import dev.cryo.engine.UnsupportedResourceException;
import dev.cryo.image.fd.InetSocketFd;
import dev.cryo.image.fd.SocketOption;
import dev.cryo.image.fd.TcpConnectionEntry;
import dev.cryo.linux.errno.Errno;
import dev.cryo.linux.fd.RemoteFds;
import dev.cryo.linux.net.ListenQueues;
import dev.cryo.linux.net.Sockets;
import dev.cryo.linux.proc.TcpState;
import dev.cryo.linux.syscall.SysNr;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * TCP and UDP sockets, IPv4 and IPv6: unbound, bound, listening, UDP sockets connected to a peer (which
 * is only a default destination), and established TCP connections (their state is the
 * {@link TcpConnectionHandler}'s). The socket is pulled into cryo with pidfd_getfd and asked for its names
 * and options; the options kept are those that differ from a new socket's of the same kind, and they are
 * set again before bind (SO_REUSEADDR, SO_REUSEPORT and IPV6_V6ONLY must be). A TCP connection being made
 * or being closed is refused naming both ends; so is a listening socket with connections waiting in its
 * accept queue (each client believes it is connected: dropping them silently would break them).
 * Datagrams queued on a UDP socket are dropped, which UDP allows, with a warning at restore.
 */
public final class InetSocketHandler {
    private static final int SOCK_STREAM = 1, SOCK_DGRAM = 2, IPPROTO_TCP = 6, IPPROTO_UDP = 17, SOL_SOCKET = 1,
            TCP_INFO = 11, O_NONBLOCK = 04000, SOCK_CLOEXEC = 02000000;

    /** The accept queues of the listeners of cryo's network namespace, per family, read at most once per process. */
    private final Map<Integer, Map<Long, ListenQueues.Queue>> listenQueues = new HashMap<>();

    /**
     * @param local the socket, pulled into cryo
     * @param inode its inode, to find it in sock_diag's answers
     */
    public InetSocketFd dump(int pid, int fd, int fdFlags, int openFlags, int local, int family, long inode,
                             TreeFiles tree, TcpConnectionHandler tcp) throws IOException {
        int type = Sockets.intOption(local, SOL_SOCKET, Sockets.SO_TYPE);
        int protocol = Sockets.intOption(local, SOL_SOCKET, Sockets.SO_PROTOCOL);
        byte[] address = Sockets.localAddress(local);
        byte[] peer = Sockets.peerAddress(local);
        String what = "fd " + fd + " (" + name(family, protocol) + " " + SocketAddresses.format(address)
                + (peer == null ? "" : " -> " + SocketAddresses.format(peer)) + ")";
        if (!(type == SOCK_STREAM && protocol == IPPROTO_TCP) && !(type == SOCK_DGRAM && protocol == IPPROTO_UDP)) {
            throw new UnsupportedResourceException(pid, "fd " + fd + " (socket type " + type + " protocol " + protocol + ")",
                    "only TCP and UDP sockets are supported (not raw, SCTP, MPTCP...)");
        }
        if (Sockets.errorPending(local)) {
            throw new UnsupportedResourceException(pid, what, "an error is pending on it (SO_ERROR, or its error"
                    + " queue), which cannot be saved: reading it would clear it (the application's next call on the"
                    + " socket takes it)");
        }
        int backlog = -1;
        long dropped = 0;
        TcpConnectionEntry connection = null;
        if (protocol == IPPROTO_TCP) {
            byte[] tcpInfo = Sockets.option(local, IPPROTO_TCP, TCP_INFO);
            TcpState state = tcpInfo == null ? TcpState.UNKNOWN : TcpState.of(tcpInfo[0] & 0xff);
            if (state == TcpState.ESTABLISHED && peer != null) {
                connection = tcp.dump(pid, what, local, inode, tree);
            } else if (peer != null || (state != TcpState.CLOSE && state != TcpState.LISTEN)) {
                throw new UnsupportedResourceException(pid, what, "TCP connections being made or being closed cannot"
                        + " be checkpointed (this one is " + state + "; established ones can)");
            }
            if (state == TcpState.LISTEN) {
                Map<Long, ListenQueues.Queue> queues = listenQueues.get(family);
                if (queues == null) listenQueues.put(family, queues = ListenQueues.tcp(family));
                ListenQueues.Queue q = queues.get(inode);
                if (q == null) throw new IOException(what + ": sock_diag does not list this listening socket");
                backlog = q.backlog();
                if (q.busy()) throw new UnsupportedResourceException(pid, what, busyReason(q));
            }
        } else {
            dropped = RemoteFds.readable(local); // the size of the first datagram waiting, if any
        }
        List<SocketOption> options = SocketOptions.changed(local, family, type, protocol);
        if (connection != null) options = options.stream().filter(o -> !TcpConnectionHandler.hiddenByRepair(o)).toList();
        return new InetSocketFd(fd, fdFlags, openFlags, family, type, protocol,
                SocketAddresses.port(address) == 0 ? null : address, peer, backlog, options, dropped, connection);
    }

    /** Why a listener with connections waiting in its accept queue, or being made to it, is refused. */
    static String busyReason(ListenQueues.Queue q) {
        List<String> parts = new ArrayList<>();
        if (q.waiting() > 0) {
            parts.add(q.waiting() + " connection" + (q.waiting() == 1 ? " is" : "s are") + " waiting in its accept queue");
        }
        if (q.connecting() > 0) {
            parts.add(q.connecting() + " connection" + (q.connecting() == 1 ? " is" : "s are") + " being made to it");
        }
        return String.join(" and ", parts) + "; their clients believe they are connected, so they cannot be dropped"
                + " (the application did not accept them in time; accept them first)";
    }

    private static String name(int family, int protocol) {
        return (protocol == IPPROTO_TCP ? "tcp" : protocol == IPPROTO_UDP ? "udp" : "socket")
                + (family == SocketAddresses.AF_INET6 ? "6" : "");
    }

    /** Creates the socket inside the task, sets its options, binds and listens; returns the (temporary) descriptor. */
    public long restore(RestoreSession s, InetSocketFd e) throws IOException {
        var inj = s.main();
        String what = "fd " + e.fd() + " (" + name(e.family(), e.protocol()) + " " + SocketAddresses.format(e.address()) + ")";
        long fd = inj.call("socket for " + what, SysNr.SOCKET, e.family(),
                e.type() | SOCK_CLOEXEC | (e.openFlags() & O_NONBLOCK), e.protocol());
        SocketOptions.restore(s, fd, e.options(), what);
        if (e.connection() != null) {
            TcpConnectionHandler.restore(s, fd, e, what + " -> " + SocketAddresses.format(e.peer()));
            return fd;
        }
        if (e.address() != null) {
            s.resetArgs();
            long r = inj.raw(SysNr.BIND, fd, s.put(e.address()), e.address().length, 0, 0, 0);
            if (r < 0) {
                throw new IOException(what + ": cannot bind to " + SocketAddresses.format(e.address()) + " again: "
                        + Errno.describe((int) -r) + (r == -Errno.EADDRINUSE.number() ? " (another process holds it)" : ""));
            }
        }
        if (e.peer() != null) {
            s.resetArgs();
            inj.call("connect " + what + " to " + SocketAddresses.format(e.peer()), SysNr.CONNECT, fd, s.put(e.peer()),
                    e.peer().length);
        }
        if (e.backlog() >= 0) inj.call("listen on " + what, SysNr.LISTEN, fd, e.backlog(), 0);
        if (e.droppedBytes() > 0) {
            s.warn("pid " + s.pid() + ": " + what + ": the datagrams queued on it at the checkpoint were dropped");
        }
        return fd;
    }
}
