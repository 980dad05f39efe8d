package dev.cryo.engine.sockets;

import dev.cryo.engine.RestoreSession;
import dev.cryo.engine.TreeFiles;
import dev.cryo.engine.UnsupportedResourceException;
import dev.cryo.image.fd.FdEntry;
import dev.cryo.image.fd.InetSocketFd;
import dev.cryo.image.fd.SocketOption;
import dev.cryo.image.fd.TcpConnectionEntry;
import dev.cryo.linux.errno.ErrnoException;
import dev.cryo.linux.fd.RemoteFds;
import dev.cryo.linux.net.Sockets;
import dev.cryo.linux.net.TcpRepair;
import dev.cryo.linux.net.TcpShutdowns;
import dev.cryo.linux.proc.InetSocketInfo;
import dev.cryo.linux.proc.NetParser;
import dev.cryo.linux.proc.TcpState;

import java.io.IOException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Established TCP connections, with the kernel's repair mode (CRIU's soccr does the same). Dump: the
 * socket, pulled into cryo, enters repair mode while the tree is frozen, and its sequence numbers, both
 * queues (the send queue with what the peer has not acknowledged), the handshake's options and the
 * windows are read. It stays in repair mode until the checkpoint ends: a tree that is then killed has
 * its locked connections held until the restore ({@link #holdUntilRestored}), then closed without a FIN
 * or RST reaching the peer; a tree left running (or a failed checkpoint)
 * gets its sockets back out of repair mode, untouched. When both ends are in the tree they are read
 * together, until two readings agree (a frozen tree's kernel can still move data between them). Before a
 * tree is killed, its connections are also locked from the moment they are read (see the constructor).
 *
 * <p>Restore: the socket is made in its process, then, in repair mode, given its sequence numbers,
 * bound to its address, connected (no SYN is sent), given its options and its receive queue. Only once
 * every process of the tree has its sockets ({@link #finish}) is the send queue filled and repair mode
 * left: before that, a packet sent to a peer of the tree not yet restored would be answered by a reset.
 *
 * <p>One instance serves one checkpoint: it holds the sockets it put in repair mode.
 */
public final class TcpConnectionHandler implements AutoCloseable {
    private static final int SOL_SOCKET = 1, SO_REUSEADDR = 2, SO_PEEK_OFF = 42, SO_SNDBUF = 7, SO_SNDBUFFORCE = 32,
            IPPROTO_TCP = 6, TCP_INFO = 11, TCPI_OPT_TIMESTAMPS = 1, TCPI_OPT_SACK = 2, TCPI_OPT_WSCALE = 4,
            READINGS = 20, UNLOCKED_READINGS = 10, MAX_USER_MSS = 32767, EINPROGRESS = 115, EAGAIN = 11, SHUT_RD = 0;

    /**
     * A socket put in repair mode: our duplicate of it, whether SO_REUSEADDR must be set again on leaving,
     * and whether it carries our filter that drops what arrives.
     */
    private static final class Repaired {
        final int fd;
        final boolean reuseAddress;
        boolean locked;

        Repaired(int fd, boolean reuseAddress) {
            this.fd = fd;
            this.reuseAddress = reuseAddress;
        }
    }

    /** Both ends of a connection, as the tree's network namespace lists them. */
    private record Ends(InetAddress local, int localPort, InetAddress remote, int remotePort) {
        Ends reversed() {
            return new Ends(remote, remotePort, local, localPort);
        }
    }

    private final Map<Long, TcpConnectionEntry> read = new HashMap<>();
    /** The shutdown bits of the namespace's established sockets, per family, read once per checkpoint. */
    private final Map<Integer, Map<Long, Integer>> shutdowns = new HashMap<>();
    private final List<Repaired> repaired = new ArrayList<>();
    /** Our duplicates of the listeners we locked (see {@link #lockListener}). */
    private final List<Integer> lockedListeners = new ArrayList<>();
    private final boolean killAfter;
    private Map<Ends, Long> established;

    /**
     * @param killAfter the tree is killed after the checkpoint: from the moment a connection is read, what
     *                  arrives for it is dropped (a socket filter: the network lock CRIU makes with iptables),
     *                  so that nothing the kernel acknowledges after the reading is lost; the peer sends it
     *                  again to the restored socket. A tree left running is locked only while a connection
     *                  cannot be read twice alike (a peer keeps sending to the frozen process), until thawed.
     */
    public TcpConnectionHandler(boolean killAfter) {
        this.killAfter = killAfter;
    }

    /**
     * The state of the established connection {@code local} (a duplicate of descriptor {@code fd} of
     * {@code pid}); its peer is read at the same time when the tree holds it too.
     */
    TcpConnectionEntry dump(int pid, String what, int local, long inode, TreeFiles tree) throws IOException {
        TcpConnectionEntry known = read.get(inode);
        if (known != null) return known;
        if (TcpRepair.urgentPending(local)) {
            throw new UnsupportedResourceException(pid, what, "urgent (out-of-band) data is pending on this TCP connection");
        }
        int family = Sockets.intOption(local, SOL_SOCKET, Sockets.SO_DOMAIN);
        int shutdown = shutdown(family, inode);
        if ((shutdown & TcpShutdowns.SEND_SHUTDOWN) != 0) { // it sent its FIN: not established any more, really
            throw new UnsupportedResourceException(pid, what, "this TCP connection is shut down for writing");
        }
        int peer = -1;
        long peerInode = peerInTree(pid, inode, tree);
        if (peerInode != 0) peer = peerSocket(tree, peerInode);
        try {
            Repaired mine = enter(local);
            Repaired theirs = peer >= 0 ? enter(peer) : null;
            for (int attempt = 0; attempt < READINGS; attempt++) {
                if (attempt == UNLOCKED_READINGS) {
                    // data keeps arriving (a peer outside the tree sends to the frozen process): hold it back
                    lock(mine);
                    if (theirs != null) lock(theirs);
                }
                long[] before = fingerprint(mine, theirs);
                TcpConnectionEntry state = readState(mine, shutdown);
                TcpConnectionEntry peerState = theirs != null ? readState(theirs, shutdown(family, peerInode)) : null;
                if (state != null && (theirs == null || peerState != null)
                        && Arrays.equals(before, fingerprint(mine, theirs))) {
                    if (peerState != null) read.put(peerInode, peerState);
                    read.put(inode, state);
                    return state;
                }
            }
            throw new IOException(what + ": the connection's state kept changing while it was read (" + READINGS
                    + " readings)");
        } catch (ErrnoException e) {
            throw new IOException(what + ": TCP repair: " + e.getMessage(), e);
        } finally {
            RemoteFds.close(peer);
        }
    }

    /** The shutdown bits of established socket {@code inode} (0 for most). */
    private int shutdown(int family, long inode) throws ErrnoException {
        Map<Long, Integer> bits = shutdowns.get(family);
        if (bits == null) shutdowns.put(family, bits = TcpShutdowns.established(family));
        return bits.getOrDefault(inode, 0);
    }

    /** The inode of the other end of connection {@code inode} when a process of the tree holds it, else 0. */
    private long peerInTree(int pid, long inode, TreeFiles tree) throws IOException {
        if (established == null) {
            established = new HashMap<>();
            for (InetSocketInfo i : NetParser.read(pid).inet().values()) {
                if (i.protocol().isTcp() && i.tcpState() == TcpState.ESTABLISHED) {
                    established.put(new Ends(i.localAddress(), i.localPort(), i.remoteAddress(), i.remotePort()), i.inode());
                }
            }
        }
        for (var e : established.entrySet()) {
            if (e.getValue() != inode) continue;
            Long other = established.get(e.getKey().reversed());
            if (other != null && !tree.holders("socket:[" + other + "]").isEmpty()) return other;
        }
        return 0;
    }

    /** A duplicate of the tree's first descriptor of socket {@code inode}, or -1 when it cannot be had. */
    private static int peerSocket(TreeFiles tree, long inode) throws IOException {
        TreeFiles.Holder h = tree.holders("socket:[" + inode + "]").getFirst();
        int pidfd = RemoteFds.pidfdOpen(h.pid());
        try {
            int fd = RemoteFds.getfd(pidfd, h.fd());
            byte[] info = Sockets.option(fd, IPPROTO_TCP, TCP_INFO);
            if (info == null || TcpState.of(info[0] & 0xff) != TcpState.ESTABLISHED) {
                RemoteFds.close(fd); // its own dump refuses it
                return -1;
            }
            return fd;
        } finally {
            RemoteFds.close(pidfd);
        }
    }

    /** Puts a socket in repair mode (locked first when the tree is to be killed), keeping a duplicate to undo it. */
    private Repaired enter(int fd) throws ErrnoException {
        Repaired r = new Repaired(RemoteFds.dup(fd), Sockets.intOption(fd, SOL_SOCKET, SO_REUSEADDR) != 0);
        repaired.add(r);
        if (killAfter) lock(r);
        TcpRepair.on(r.fd);
        return r;
    }

    /** Whether the tree is killed after the checkpoint (its sockets are locked from the moment they are read). */
    boolean killAfter() {
        return killAfter;
    }

    /**
     * Drops what arrives for a listener of a tree to be killed, from now until the kill: new SYNs and the
     * last ACK of handshakes under way (the kernel filters both on the listener), so its accept queue cannot
     * grow once read, and what it would have accepted is sent again by the clients, to the restored
     * listener. Never replaces the application's filter. Takes {@code fd}, our duplicate of the listener.
     */
    void lockListener(int fd) throws ErrnoException {
        if (Sockets.hasFilter(fd)) {
            RemoteFds.close(fd);
            return;
        }
        lockedListeners.add(fd);
        Sockets.dropIncoming(fd);
    }

    /** Drops what arrives for the socket from now on (the peer sends it again); never replaces the application's filter. */
    private static void lock(Repaired r) throws ErrnoException {
        if (r.locked || Sockets.hasFilter(r.fd)) return;
        Sockets.dropIncoming(r.fd);
        r.locked = true;
    }

    /** What changes when data or acknowledgements move: queue sequence numbers and lengths, the windows. */
    private static long[] fingerprint(Repaired mine, Repaired theirs) throws ErrnoException {
        long[] out = new long[theirs != null ? 20 : 10];
        fingerprint(mine.fd, out, 0);
        if (theirs != null) fingerprint(theirs.fd, out, 10);
        return out;
    }

    private static void fingerprint(int fd, long[] out, int at) throws ErrnoException {
        TcpRepair.select(fd, TcpRepair.RECV_QUEUE);
        out[at] = TcpRepair.queueSeq(fd);
        TcpRepair.select(fd, TcpRepair.SEND_QUEUE);
        out[at + 1] = TcpRepair.queueSeq(fd);
        TcpRepair.select(fd, TcpRepair.NO_QUEUE);
        out[at + 2] = TcpRepair.unread(fd);
        out[at + 3] = TcpRepair.unacknowledged(fd);
        out[at + 4] = TcpRepair.unsent(fd);
        TcpRepair.Window w = TcpRepair.window(fd);
        out[at + 5] = w.sndWl1();
        out[at + 6] = w.sndWnd();
        out[at + 7] = w.maxWindow();
        out[at + 8] = w.rcvWnd();
        out[at + 9] = w.rcvWup();
    }

    /**
     * Whether a saved option is one repair mode changes (SO_REUSEADDR reads 2, "forced", in repair mode):
     * a connection keeps the value it had before in its {@link TcpConnectionEntry} instead.
     */
    static boolean hiddenByRepair(SocketOption o) {
        return o.level() == SOL_SOCKET && o.name() == SO_REUSEADDR;
    }

    /**
     * Reads a socket in repair mode; null when a queue changed while it was read. The queue selection is put
     * back to none, so the kernel sends as usual.
     */
    private static TcpConnectionEntry readState(Repaired r, int shutdown) throws ErrnoException {
        int fd = r.fd;
        int peekOffset = Sockets.intOption(fd, SOL_SOCKET, SO_PEEK_OFF);
        if (peekOffset >= 0) Sockets.setInt(fd, SOL_SOCKET, SO_PEEK_OFF, -1); // else a peek starts there, and moves it
        try {
            TcpRepair.select(fd, TcpRepair.RECV_QUEUE);
            int recvSeq = TcpRepair.queueSeq(fd);
            int unread = TcpRepair.unread(fd);
            byte[] recvQueue = TcpRepair.peek(fd, unread);
            TcpRepair.select(fd, TcpRepair.SEND_QUEUE);
            int sendSeq = TcpRepair.queueSeq(fd);
            int unsent = TcpRepair.unsent(fd);
            int unacknowledged = TcpRepair.unacknowledged(fd);
            byte[] sendQueue = TcpRepair.peek(fd, unacknowledged);
            TcpRepair.select(fd, TcpRepair.NO_QUEUE);
            if (recvQueue.length != unread || sendQueue.length != unacknowledged) return null;
            byte[] info = Sockets.option(fd, IPPROTO_TCP, TCP_INFO);
            if (info == null || info.length < 8) throw new ErrnoException("getsockopt(TCP_INFO)", 22);
            int options = info[5] & 0xff;
            boolean timestamps = (options & TCPI_OPT_TIMESTAMPS) != 0;
            // tcpi_snd_wscale is the low nibble of byte 6, tcpi_rcv_wscale the high one
            int scale = (options & TCPI_OPT_WSCALE) != 0 ? (info[6] & 0x0f) | ((info[6] & 0xf0) >> 4) << 16 : -1;
            TcpRepair.Window w = TcpRepair.window(fd);
            return new TcpConnectionEntry(sendSeq, sendQueue, Math.min(unsent, sendQueue.length), recvSeq, recvQueue,
                    TcpRepair.mss(fd), scale, (options & TCPI_OPT_SACK) != 0, timestamps,
                    timestamps ? TcpRepair.timestamp(fd) : 0, r.reuseAddress, w.sndWl1(), w.sndWnd(), w.maxWindow(),
                    w.rcvWnd(), w.rcvWup(), shutdown);
        } finally {
            if (peekOffset >= 0) Sockets.setInt(fd, SOL_SOCKET, SO_PEEK_OFF, peekOffset);
        }
    }

    /**
     * Takes every socket out of repair mode, as it was (the tree runs on: left running, or the checkpoint
     * failed); the kernel's window probe lets each peer resynchronise at once.
     */
    public void leaveRepair() {
        for (Repaired r : repaired) {
            try {
                TcpRepair.off(r.fd);
                if (r.locked) Sockets.detachFilter(r.fd);
                if (r.reuseAddress) Sockets.setInt(r.fd, SOL_SOCKET, SO_REUSEADDR, 1);
            } catch (ErrnoException ignored) {
                // best effort, like every step of putting the tree back
            }
        }
        for (int fd : lockedListeners) {
            try {
                Sockets.detachFilter(fd);
            } catch (ErrnoException ignored) {
                // best effort, as above
            }
        }
        close();
    }

    /**
     * Before the tree is killed: hands the locked connections to a holder until checkpoint
     * {@code checkpointId} is restored ({@link ConnectionHolder}), so that their peers meet no reset in the
     * gap. Only locked ones: a connection without our filter would go on acknowledging what arrives, which
     * the checkpoint does not hold. Returns why they are not held, or null.
     */
    public String holdUntilRestored(String checkpointId) {
        List<Integer> fds = repaired.stream().filter(r -> r.locked).map(r -> r.fd).toList();
        if (!killAfter || fds.isEmpty()) return null;
        return ConnectionHolder.hold(checkpointId, fds);
    }

    /** Lets go of the sockets, leaving them as they are (in repair mode when the tree is killed: closed silently). */
    @Override
    public void close() {
        repaired.forEach(r -> RemoteFds.close(r.fd));
        repaired.clear();
        lockedListeners.forEach(RemoteFds::close);
        lockedListeners.clear();
    }

    // ---------------------------------------------------------------- restore

    /**
     * Makes the new socket {@code fd} of the task the connection it was, in repair mode, up to its receive
     * queue; {@link #finish} does the rest once the whole tree is there.
     */
    static void restore(RestoreSession s, long fd, InetSocketFd e, String what) throws IOException {
        TcpConnectionEntry c = e.connection();
        int pidfd = RemoteFds.pidfdOpen(s.outerPid());
        int local = -1;
        try {
            local = RemoteFds.getfd(pidfd, (int) fd);
            TcpRepair.on(local);
            TcpRepair.select(local, TcpRepair.RECV_QUEUE);
            TcpRepair.setQueueSeq(local, c.recvSeq() - c.recvQueue().length);
            TcpRepair.select(local, TcpRepair.SEND_QUEUE);
            TcpRepair.setQueueSeq(local, c.sendSeq() - c.sendQueue().length);
            TcpRepair.select(local, TcpRepair.NO_QUEUE);
            try {
                Sockets.bind(local, e.address());
            } catch (ErrnoException x) {
                throw new IOException(what + ": cannot bind to " + SocketAddresses.format(e.address()) + " again: "
                        + x.getMessage(), x);
            }
            // else segments are sized for the default MSS, 536 bytes; the kernel takes at most 32767 here
            TcpRepair.setUserMss(local, Math.min(c.mss(), MAX_USER_MSS));
            try {
                Sockets.connect(local, e.peer());
            } catch (ErrnoException x) {
                if (x.errno() != EINPROGRESS) throw x;
            }
            TcpRepair.setUserMss(local, 0);
            TcpRepair.setOptions(local, c.mss(), c.windowScale(), c.sack(), c.timestamps());
            if (c.timestamps()) TcpRepair.setTimestamp(local, c.timestamp());
            TcpRepair.select(local, TcpRepair.RECV_QUEUE);
            fill(local, c.recvQueue(), 0, c.recvQueue().length);
            TcpRepair.select(local, TcpRepair.NO_QUEUE);
        } catch (ErrnoException x) {
            throw new IOException(what + ": TCP repair: " + x.getMessage(), x);
        } finally {
            RemoteFds.close(local);
            RemoteFds.close(pidfd);
        }
    }

    /**
     * Once every process of the tree has its descriptors: fills each restored connection's send queue
     * (what was sent, as sent and unacknowledged), sets its windows and takes it out of repair mode; what
     * had never been sent is then sent as the application would have.
     */
    public static void finish(List<RestoreSession> sessions) throws IOException {
        for (RestoreSession s : sessions) {
            int pidfd = -1;
            try {
                for (FdEntry f : s.image().fds()) {
                    if (!(f instanceof InetSocketFd e) || e.connection() == null) continue;
                    if (pidfd < 0) pidfd = RemoteFds.pidfdOpen(s.outerPid());
                    finish(pidfd, e, "pid " + s.pid() + ": fd " + e.fd() + " (" + SocketAddresses.format(e.address())
                            + " -> " + SocketAddresses.format(e.peer()) + ")");
                }
            } finally {
                RemoteFds.close(pidfd);
            }
        }
    }

    private static void finish(int pidfd, InetSocketFd e, String what) throws IOException {
        TcpConnectionEntry c = e.connection();
        int local = -1;
        try {
            local = RemoteFds.getfd(pidfd, e.fd());
            int sent = c.sendQueue().length - c.unsent();
            TcpRepair.select(local, TcpRepair.SEND_QUEUE);
            fill(local, c.sendQueue(), 0, sent);
            TcpRepair.select(local, TcpRepair.NO_QUEUE);
            TcpRepair.setWindow(local, new TcpRepair.Window(c.sndWl1(), c.sndWnd(), c.maxWindow(), c.rcvWnd(), c.rcvWup()));
            TcpRepair.off(local);
            sendUnsent(local, c.sendQueue(), sent);
            // shut down for reading: only a flag on the socket (nothing is sent), after its queue is filled
            if ((c.shutdown() & TcpShutdowns.RCV_SHUTDOWN) != 0) Sockets.shutdown(local, SHUT_RD);
            if (c.reuseAddress()) Sockets.setInt(local, SOL_SOCKET, SO_REUSEADDR, 1);
        } catch (ErrnoException x) {
            throw new IOException(what + ": TCP repair: " + x.getMessage(), x);
        } finally {
            RemoteFds.close(local);
        }
    }

    /**
     * Sends what the application had queued and the kernel never sent. It fitted in the send buffer then;
     * should the new socket's accounting differ, the buffer is made large enough, and put back after.
     */
    private static void sendUnsent(int fd, byte[] queue, int from) throws ErrnoException {
        int at = from + TcpRepair.send(fd, queue, from, queue.length);
        if (at == queue.length) return;
        int buffer = Sockets.intOption(fd, SOL_SOCKET, SO_SNDBUF);
        Sockets.setInt(fd, SOL_SOCKET, SO_SNDBUFFORCE, buffer + 2 * (queue.length - at));
        at += TcpRepair.send(fd, queue, at, queue.length);
        Sockets.setInt(fd, SOL_SOCKET, SO_SNDBUFFORCE, buffer / 2); // the kernel doubles what it is given
        if (at < queue.length) throw new ErrnoException("send (" + (queue.length - at) + " unsent bytes left)", EAGAIN);
    }

    /** Fills the selected queue in repair mode, where nothing waits for room: all of it goes, or it is an error. */
    private static void fill(int fd, byte[] data, int from, int to) throws ErrnoException {
        int n = TcpRepair.send(fd, data, from, to);
        if (n != to - from) throw new ErrnoException("queue " + (to - from) + " bytes (" + n + " went)", EAGAIN);
    }
}
