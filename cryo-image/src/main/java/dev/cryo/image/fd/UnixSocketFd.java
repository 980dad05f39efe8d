package dev.cryo.image.fd;

import java.util.List;

/**
 * A unix socket: unbound, bound (a path or an abstract name), listening, or connected to another unix
 * socket of the same process (a socketpair, or both ends of a connection made inside it).
 *
 * @param type      SOCK_STREAM, SOCK_DGRAM or SOCK_SEQPACKET
 * @param inode     the socket's inode: the peer of the other end names it
 * @param address   the raw sockaddr_un it is bound to, null when unbound
 * @param peerInode the socket it is connected to (inside the process), 0 when none
 * @param mutual    the peer is connected back to it (a pair); else this is a datagram socket that only sends
 *                  to a bound peer, connected again by address after every socket is bound
 * @param backlog   for a listening socket, the backlog given to listen(), else -1
 * @param queued    what waited in its receive queue: one element for a stream socket, one per message otherwise
 * @param shutdown  its shutdown bits (1 no more receiving, 2 no more sending)
 * @param fileMode  for a socket bound to a path: the permission bits of the socket file, else -1
 */
public record UnixSocketFd(int fd, int fdFlags, int openFlags, int type, long inode, byte[] address, long peerInode,
                           boolean mutual, int backlog, List<byte[]> queued, int shutdown, List<SocketOption> options,
                           int fileMode) implements FdEntry {
}
