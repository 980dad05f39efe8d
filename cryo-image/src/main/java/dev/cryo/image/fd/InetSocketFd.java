package dev.cryo.image.fd;

import java.util.List;

/**
 * A TCP or UDP socket over IPv4 or IPv6: unbound, bound, listening, a UDP socket connected to a peer
 * (which keeps no connection state), or an established TCP connection (with its {@code connection} state).
 *
 * @param family        AF_INET or AF_INET6
 * @param type          SOCK_STREAM or SOCK_DGRAM
 * @param address       the raw sockaddr it is bound to, null when unbound
 * @param peer          the raw sockaddr a UDP socket or TCP connection is connected to, else null
 * @param backlog       for a listening socket, the backlog given to listen(), else -1
 * @param options       the options that differ from a new socket's, set again before bind
 * @param droppedBytes  bytes of datagrams that were queued on it at checkpoint time and are lost
 * @param connection    for an established TCP connection, what repair mode read of it; else null
 */
public record InetSocketFd(int fd, int fdFlags, int openFlags, int family, int type, int protocol, byte[] address,
                           byte[] peer, int backlog, List<SocketOption> options, long droppedBytes,
                           TcpConnectionEntry connection)
        implements FdEntry {
}
