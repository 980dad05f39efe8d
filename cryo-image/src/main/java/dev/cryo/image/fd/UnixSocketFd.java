package dev.cryo.image.fd;

import java.util.List;

/**
 * A unix socket: unbound, bound (a path or an abstract name), listening, or connected to another unix
 * socket of the checkpoint, in the same process or another one of the tree (a socketpair, or both ends of
 * a connection made inside the tree).
 *
 * @param type      SOCK_STREAM, SOCK_DGRAM or SOCK_SEQPACKET
 * @param inode     the socket's inode: the peer of the other end names it
 * @param address   the raw sockaddr_un it is bound to, null when unbound
 * @param peerInode the socket it is connected to (inside the tree), 0 when none
 * @param mutual    the peer is connected back to it (a pair); else this is a datagram socket that only sends
 *                  to a bound peer, connected again by address after every socket is bound
 * @param backlog   for a listening socket, the backlog given to listen(), else -1
 * @param queued    what waited in its receive queue: one element for a stream socket, one per message otherwise
 * @param shutdown  its shutdown bits (1 no more receiving, 2 no more sending)
 * @param fileMode  for a socket bound to a path: the permission bits of the socket file, else -1
 * @param ownerType with O_ASYNC (signal-driven I/O): who gets the signal, F_OWNER_TID 0, _PID 1, _PGRP 2
 * @param ownerId   that thread, process or group (a recorded id); 0 when the description has no owner
 * @param ioSignal  the signal sent (F_SETSIG), 0 for SIGIO
 * @param queuedFrom for a datagram socket whose queue holds messages from bound senders: each queued
 *                  message's sender (a raw sockaddr_un, the family alone for an unbound one); else empty
 */
public record UnixSocketFd(int fd, int fdFlags, int openFlags, int type, long inode, byte[] address, long peerInode,
                           boolean mutual, int backlog, List<byte[]> queued, int shutdown, List<SocketOption> options,
                           int fileMode, int ownerType, int ownerId, int ioSignal, List<byte[]> queuedFrom)
        implements FdEntry {
    /** A socket whose queued messages need no sender (a pair's, a stream's, or from unbound senders). */
    public UnixSocketFd(int fd, int fdFlags, int openFlags, int type, long inode, byte[] address, long peerInode,
                        boolean mutual, int backlog, List<byte[]> queued, int shutdown, List<SocketOption> options,
                        int fileMode, int ownerType, int ownerId, int ioSignal) {
        this(fd, fdFlags, openFlags, type, inode, address, peerInode, mutual, backlog, queued, shutdown, options,
                fileMode, ownerType, ownerId, ioSignal, List.of());
    }

    /** Whether its queued messages are sent again from their senders' names, once every socket exists. */
    public boolean fromBoundSenders() {
        return queuedFrom != null && !queuedFrom.isEmpty();
    }
}
