package dev.cryo.engine.sockets;

import dev.cryo.engine.RestoreSession;
import dev.cryo.engine.TreeFiles;
import dev.cryo.engine.UnsupportedResourceException;
import dev.cryo.image.fd.FdEntry;
import dev.cryo.image.fd.UnixSocketFd;
import dev.cryo.linux.errno.Errno;
import dev.cryo.linux.fd.RemoteFds;
import dev.cryo.linux.net.Sockets;
import dev.cryo.linux.net.UnixSockets;
import dev.cryo.linux.syscall.SysNr;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Unix sockets held by one process: unbound, bound to a path or an abstract name, listening, and pairs
 * connected to each other (socketpair, or a connection made and accepted inside the tree), inside the
 * process or with the other end in another process of the tree, with what waits in their receive queues.
 * A pair split between processes is created by the process restored first (parents first), which keeps
 * the other end in {@link dev.cryo.engine.files.SharedPipes} until its holder takes it (pidfd_getfd).
 * The queues are read without being consumed (SO_PEEK_OFF and MSG_PEEK) and written again, through the
 * other end of the new pair, at restore. A socket file left by
 * the checkpointed process is unlinked before the path is bound again (only if it is a socket). A
 * datagram socket that sends to a bound socket of the process is connected to it again by address once
 * every socket is bound; one that sends to a socket bound in another process, once every process has its
 * sockets. Datagrams waiting on a bound socket that came from unbound senders are sent to it again from a
 * socket made for that (the receiver sees no sender name either way); when some came from bound senders,
 * all are sent again at the end, in order, each from its sender's name (see {@link #requeueFromSenders}).
 *
 * <p>Refused by name: a socket connected to one outside the tree (naming the peer and who holds it), a
 * listener with connections waiting to be accepted, descriptors or credentials in flight (SCM_RIGHTS),
 * messages waiting on a socket that is not one end of a pair, unless they are datagrams waiting on a
 * bound socket (whose senders are not still bound outside the tree), and a connection still being made. Signal-driven I/O (O_ASYNC, its owner and signal) is
 * kept.
 */
public final class UnixSocketHandler {
    private static final int AF_UNIX = 1, SOCK_STREAM = 1, SOCK_DGRAM = 2, O_NONBLOCK = 04000, O_ASYNC = 020000,
            F_SETOWN_EX = 15, F_SETSIG = 10, SOCK_CLOEXEC = 02000000,
            SOCK_NONBLOCK = 04000, F_SETFL = 4, AT_FDCWD = -100, S_IFMT = 0170000, S_IFSOCK = 0140000, CHUNK = 32 * 1024,
            RCV_SHUTDOWN = 1, SEND_SHUTDOWN = 2, SHUT_RD = 0, SHUT_WR = 1, MSG_DONTWAIT = 0x40;

    private Map<Long, UnixSockets.Socket> diag;

    UnixSocketFd dump(int pid, int fd, int fdFlags, int openFlags, int local, long inode, Set<Long> processSockets,
                      TreeFiles tree) throws IOException {
        if (diag == null) diag = UnixSockets.all();
        UnixSockets.Socket d = diag.get(inode);
        if (d == null) throw new IOException("fd " + fd + ": unix socket " + inode + " is not listed by sock_diag");
        byte[] address = d.name() == null ? null : sockaddr(d.name());
        String what = "fd " + fd + " (unix " + typeName(d.type()) + " " + SocketAddresses.format(address) + ")";
        int backlog = -1;
        boolean mutual = false;
        if (d.listening()) {
            backlog = d.wqueue();
            if (d.rqueue() > 0) {
                throw new UnsupportedResourceException(pid, what, d.rqueue() + " connection" + (d.rqueue() == 1 ? " is" : "s are")
                        + " waiting in its accept queue; their clients believe they are connected (accept them first)");
            }
        } else if (d.peer() != 0) {
            UnixSockets.Socket peer = diag.get(d.peer());
            boolean inProcess = processSockets.contains(d.peer());
            if ((!inProcess && tree.holders("socket:[" + d.peer() + "]").isEmpty()) || peer == null) {
                String peerName = peer == null || peer.name() == null ? "an unnamed socket" : SocketAddresses.format(sockaddr(peer.name()));
                throw new UnsupportedResourceException(pid, what, "it is connected to a unix socket outside the checkpoint: "
                        + peerName + " (socket:[" + d.peer() + "]" + holders(d.peer(), pid) + ")");
            }
            mutual = peer.peer() == inode;
            // a datagram socket sending to a bound one (here or in another process) is connected to it again by name
            if (!mutual && (d.type() != SOCK_DGRAM || peer.name() == null)) {
                throw new UnsupportedResourceException(pid, what, "its connection to socket:[" + d.peer() + "] is not complete");
            }
        }
        List<byte[]> queued = List.of(), queuedFrom = List.of();
        if (!d.listening()) {
            Sockets.Queued q = Sockets.peekQueue(local, d.type() != SOCK_STREAM);
            if (q.control()) {
                throw new UnsupportedResourceException(pid, what, "descriptors or credentials are in flight on it"
                        + " (SCM_RIGHTS, SCM_CREDENTIALS): they cannot be saved yet");
            }
            // datagrams waiting on a bound socket are sent to it again by name: from a socket made for it when
            // their sender was unbound (they look the same whoever sends them), else from their sender's name
            boolean resendable = d.type() == SOCK_DGRAM && address != null;
            if (!q.messages().isEmpty() && !mutual && !resendable) {
                throw new UnsupportedResourceException(pid, what, q.messages().size() + " message(s) wait on it from"
                        + " other sockets: they cannot be sent again from their senders");
            }
            queued = q.messages();
            if (!mutual && q.namedSenders()) {
                byte[] peerName = d.peer() == 0 ? null : sockaddr(diag.get(d.peer()).name());
                for (byte[] sender : q.senders()) {
                    refuseSenderOutside(pid, what, sender, processSockets, tree);
                    // sent again once it is connected, when only its peer may send to it
                    if (peerName != null && !Arrays.equals(sender, peerName)) {
                        throw new UnsupportedResourceException(pid, what, "a datagram waits on it from "
                                + SocketAddresses.format(sender) + ", sent before it was connected to "
                                + SocketAddresses.format(peerName) + ": it cannot be sent again");
                    }
                }
                queuedFrom = q.senders();
            }
        }
        int fileMode = -1;
        if (address != null && address[2] != 0) {
            Path file = Path.of("/proc/" + pid + "/cwd").resolve(SocketAddresses.format(address)); // relative to its cwd
            if (Files.exists(file, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                fileMode = (int) Files.getAttribute(file, "unix:mode", java.nio.file.LinkOption.NOFOLLOW_LINKS) & 07777;
            }
        }
        RemoteFds.Owner owner = RemoteFds.owner(local); // nginx's master is told by SIGIO when a worker writes
        return new UnixSocketFd(fd, fdFlags, openFlags, d.type(), inode, address, d.peer(), mutual, backlog, queued,
                d.shutdown(), SocketOptions.changed(local, AF_UNIX, d.type(), 0), fileMode,
                owner == null ? 0 : owner.type(), owner == null ? 0 : owner.id(), owner == null ? 0 : owner.signal(),
                queuedFrom);
    }

    /**
     * A datagram's bound sender is sent from again at restore: from its socket if the tree holds it, else from
     * a socket bound to its name for that moment. A sender still bound outside the tree keeps the name, so
     * that it could not be sent from: refused.
     */
    private void refuseSenderOutside(int pid, String what, byte[] sender, Set<Long> processSockets, TreeFiles tree)
            throws UnsupportedResourceException {
        if (sender.length <= 2) return; // unbound
        for (UnixSockets.Socket other : diag.values()) {
            if (other.name() == null || !Arrays.equals(sockaddr(other.name()), sender)) continue;
            if (processSockets.contains(other.inode()) || !tree.holders("socket:[" + other.inode() + "]").isEmpty()) return;
            throw new UnsupportedResourceException(pid, what, "a datagram waits on it from "
                    + SocketAddresses.format(sender) + ", bound outside the checkpoint (socket:[" + other.inode() + "]"
                    + holders(other.inode(), pid) + "): it cannot be sent again from there");
        }
    }

    /** sun_path bytes as sock_diag gives them, made a sockaddr_un (family first). */
    private static byte[] sockaddr(byte[] name) {
        byte[] a = new byte[2 + name.length];
        a[0] = AF_UNIX;
        System.arraycopy(name, 0, a, 2, name.length);
        return a;
    }

    private static String typeName(int type) {
        return switch (type) {
            case SOCK_STREAM -> "stream";
            case SOCK_DGRAM -> "dgram";
            default -> "seqpacket";
        };
    }

    /** ", held by pid N, M" for the processes that have the socket open (other than {@code self}), for messages. */
    private static String holders(long inode, int self) {
        String link = "socket:[" + inode + "]";
        List<String> pids = new ArrayList<>();
        try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"), p -> p.getFileName().toString().matches("\\d+"))) {
            for (Path p : procs) {
                if (p.getFileName().toString().equals(Integer.toString(self))) continue;
                try (DirectoryStream<Path> fds = Files.newDirectoryStream(p.resolve("fd"))) {
                    for (Path f : fds) {
                        if (Files.readSymbolicLink(f).toString().equals(link)) {
                            pids.add(p.getFileName().toString());
                            break;
                        }
                    }
                } catch (IOException gone) {
                    // exited, or not ours to read
                }
            }
        } catch (IOException e) {
            return "";
        }
        return pids.isEmpty() ? "" : ", held by pid " + String.join(", ", pids);
    }

    // ---------------------------------------------------------------- restore

    /** inode -> the task's (temporary) fd of a pair end created with its peer. */
    private final Map<Long, Long> pairEnds = new HashMap<>();

    long restore(RestoreSession s, UnixSocketFd e) throws IOException {
        String what = "fd " + e.fd() + " (unix " + typeName(e.type()) + " " + SocketAddresses.format(e.address()) + ")";
        var inj = s.main();
        long fd;
        if (e.mutual()) {
            Long made = pairEnds.remove(e.inode());
            if (made != null) {
                fd = made;
            } else if (s.pipes().hasSocket(e.inode())) {
                fd = s.pipes().takeSocket(s, e.inode()); // created, with its queue, by the process holding the peer
            } else {
                UnixSocketFd peer = peerOf(s, e);
                s.resetArgs();
                long sv = s.put(new byte[8]);
                inj.call("socketpair for " + what, SysNr.SOCKETPAIR, AF_UNIX, e.type() | SOCK_CLOEXEC | SOCK_NONBLOCK, 0, sv);
                ByteBuffer b = ByteBuffer.wrap(s.memory().read(sv, 8)).order(ByteOrder.LITTLE_ENDIAN);
                fd = b.getInt(0);
                long other = b.getInt(4);
                boolean peerHere = s.image().fds().stream().anyMatch(x -> x == peer);
                SocketOptions.restore(s, fd, e.options(), what);
                SocketOptions.restore(s, other, peer.options(), "fd " + peer.fd() + " (its peer)");
                refill(s, other, e, what);
                refill(s, fd, peer, "fd " + peer.fd());
                shutdown(s, fd, e.shutdown());
                shutdown(s, other, peer.shutdown());
                setFlags(s, other, peer, "fd " + peer.fd());
                if (peerHere) {
                    pairEnds.put(peer.inode(), other);
                } else { // the peer's process takes it from here; this process never held it
                    s.pipes().keepSocket(peer.inode(), s, other, firstUnused(s));
                    inj.raw(SysNr.CLOSE, other, 0, 0, 0, 0, 0);
                }
            }
            setFlags(s, fd, e, what);
            return fd;
        }
        fd = inj.call("socket for " + what, SysNr.SOCKET, AF_UNIX, e.type() | SOCK_CLOEXEC | (e.openFlags() & O_NONBLOCK), 0);
        SocketOptions.restore(s, fd, e.options(), what);
        if (e.address() != null) bind(s, fd, e, what);
        if (!e.queued().isEmpty() && !e.fromBoundSenders()) requeue(s, e, what);
        if (e.backlog() >= 0) inj.call("listen on " + what, SysNr.LISTEN, fd, e.backlog(), 0);
        shutdown(s, fd, e.shutdown());
        if ((e.openFlags() & O_ASYNC) != 0 || e.ownerId() != 0) setFlags(s, fd, e, what);
        return fd;
    }

    /** O_NONBLOCK and O_ASYNC as they were, with the owner and signal of signal-driven I/O set first. */
    private static void setFlags(RestoreSession s, long fd, UnixSocketFd e, String what) throws IOException {
        var inj = s.main();
        if (e.ownerId() != 0) {
            s.resetArgs();
            long owner = s.put(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putInt(e.ownerType()).putInt(e.ownerId()).array());
            inj.call("fcntl(F_SETOWN_EX " + e.ownerId() + ") on " + what, SysNr.FCNTL, fd, F_SETOWN_EX, owner);
        }
        if (e.ioSignal() != 0) inj.call("fcntl(F_SETSIG) on " + what, SysNr.FCNTL, fd, F_SETSIG, e.ioSignal());
        inj.call("fcntl(F_SETFL) on " + what, SysNr.FCNTL, fd, F_SETFL, e.openFlags() & (O_NONBLOCK | O_ASYNC));
    }

    /**
     * Datagrams that waited on a bound socket, from unbound senders: sent to it again by name from a socket
     * made for that and closed (their receiver sees no sender name, as before).
     */
    private static void requeue(RestoreSession s, UnixSocketFd e, String what) throws IOException {
        var inj = s.main();
        long sender = inj.call("socket to requeue on " + what, SysNr.SOCKET, AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        try {
            s.resetArgs();
            inj.call("connect to " + what, SysNr.CONNECT, sender, s.put(e.address()), e.address().length);
            refill(s, sender, e, what);
        } finally {
            inj.raw(SysNr.CLOSE, sender, 0, 0, 0, 0, 0);
        }
    }

    /**
     * Once every process of the tree has its sockets (and they are connected): the datagrams that waited on a
     * bound socket, some from bound senders, are sent to it again in their order, each from its sender's
     * name: from the sender's own socket when the tree holds it (in whichever process), else from one bound
     * to that name for the moment (and unbound again); those from unbound senders from an unbound socket.
     */
    public static void requeueFromSenders(List<RestoreSession> sessions) throws IOException {
        for (RestoreSession s : sessions) {
            for (FdEntry entry : s.image().fds()) {
                if (entry instanceof UnixSocketFd e && e.fromBoundSenders()) requeueFromSenders(sessions, s, e);
            }
        }
    }

    private static void requeueFromSenders(List<RestoreSession> sessions, RestoreSession s, UnixSocketFd e)
            throws IOException {
        String what = "fd " + e.fd() + " (unix dgram " + SocketAddresses.format(e.address()) + ")";
        Map<String, Long> temporary = new HashMap<>(); // sender name -> a socket of s bound to it for now
        try {
            for (int i = 0; i < e.queued().size(); i++) {
                byte[] from = e.queuedFrom().get(i);
                RestoreSession sender = s;
                long fd = -1;
                for (RestoreSession t : from.length > 2 ? sessions : List.<RestoreSession>of()) {
                    for (FdEntry x : t.image().fds()) {
                        if (x instanceof UnixSocketFd u && u.type() == SOCK_DGRAM && Arrays.equals(u.address(), from)) {
                            sender = t;
                            fd = u.fd();
                        }
                    }
                }
                if (fd < 0) fd = temporarySender(s, from, temporary, what);
                sendTo(sender, fd, e.queued().get(i), e.address(), what + ", from " + SocketAddresses.format(from));
            }
        } finally {
            for (var t : temporary.entrySet()) {
                s.main().raw(SysNr.CLOSE, t.getValue(), 0, 0, 0, 0, 0);
                byte[] name = HexFormat.of().parseHex(t.getKey());
                if (name.length > 2 && name[2] != 0) { // a path: its socket file was ours
                    s.resetArgs();
                    s.main().raw(SysNr.UNLINKAT, AT_FDCWD, s.putString(SocketAddresses.format(name)), 0, 0, 0, 0);
                }
            }
        }
    }

    /** A datagram socket of {@code s} with sender name {@code from} (unbound for the family alone), made once. */
    private static long temporarySender(RestoreSession s, byte[] from, Map<String, Long> made, String what)
            throws IOException {
        String key = HexFormat.of().formatHex(from);
        Long fd = made.get(key);
        if (fd != null) return fd;
        var inj = s.main();
        long sock = inj.call("socket to requeue on " + what, SysNr.SOCKET, AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        made.put(key, sock);
        if (from.length > 2) {
            s.resetArgs();
            long r = inj.raw(SysNr.BIND, sock, s.put(from), from.length, 0, 0, 0);
            if (r < 0) {
                made.remove(key);
                inj.raw(SysNr.CLOSE, sock, 0, 0, 0, 0, 0);
                throw new IOException(what + ": cannot send its waiting datagrams again from "
                        + SocketAddresses.format(from) + " (their sender, gone): " + Errno.describe((int) -r));
            }
        }
        return sock;
    }

    /**
     * Connects the datagram sockets that sent to a bound socket of the process, now that every socket is in
     * place; those sending to one of another process wait for {@link #connectAcrossProcesses}.
     */
    void connectSenders(RestoreSession s, List<FdEntry> entries) throws IOException {
        for (FdEntry entry : entries) {
            if (!(entry instanceof UnixSocketFd e) || e.peerInode() == 0 || e.mutual()) continue;
            if (s.image().fds().stream().noneMatch(x -> x instanceof UnixSocketFd u && u.inode() == e.peerInode())) continue;
            connect(s, e);
        }
    }

    /**
     * Once every process of the tree has its sockets: connects the datagram sockets that sent to one bound
     * in another process, by its name.
     */
    public static void connectAcrossProcesses(List<RestoreSession> sessions) throws IOException {
        for (RestoreSession s : sessions) {
            for (FdEntry entry : s.image().fds()) {
                if (!(entry instanceof UnixSocketFd e) || e.peerInode() == 0 || e.mutual()) continue;
                if (s.image().fds().stream().anyMatch(x -> x instanceof UnixSocketFd u && u.inode() == e.peerInode())) continue;
                connect(s, e);
            }
        }
    }

    private static void connect(RestoreSession s, UnixSocketFd e) throws IOException {
        UnixSocketFd peer = peerOf(s, e);
        s.resetArgs();
        s.main().call("connect fd " + e.fd() + " to " + SocketAddresses.format(peer.address()), SysNr.CONNECT, e.fd(),
                s.put(peer.address()), peer.address().length);
    }

    /** The peer's entry: in the process's own image, else in another process of the checkpoint. */
    private static UnixSocketFd peerOf(RestoreSession s, UnixSocketFd e) throws IOException {
        for (FdEntry x : s.image().fds()) {
            if (x instanceof UnixSocketFd u && u.inode() == e.peerInode()) return u;
        }
        for (var process : s.checkpoint().processes()) {
            for (FdEntry x : process.fds()) {
                if (x instanceof UnixSocketFd u && u.inode() == e.peerInode()) return u;
            }
        }
        throw new IOException("fd " + e.fd() + ": the image has no unix socket " + e.peerInode() + " (its peer)");
    }

    /** The first descriptor number the process does not use: kept ends sit from there, out of the way. */
    private static int firstUnused(RestoreSession s) {
        return s.image().fds().stream().mapToInt(FdEntry::fd).max().orElse(-1) + 1;
    }

    /** Sends what waited in {@code receiver}'s queue again, through the other end {@code sender}. */
    private static void refill(RestoreSession s, long sender, UnixSocketFd receiver, String what) throws IOException {
        for (byte[] message : receiver.queued()) {
            if (receiver.type() == SOCK_STREAM) {
                for (int off = 0; off < message.length; off += CHUNK) {
                    send(s, sender, Arrays.copyOfRange(message, off, Math.min(message.length, off + CHUNK)), what);
                }
            } else {
                send(s, sender, message, what);
            }
        }
    }

    private static void send(RestoreSession s, long fd, byte[] data, String what) throws IOException {
        sendTo(s, fd, data, null, what);
    }

    /** Sends {@code data} from {@code fd} of {@code s}, to {@code to} (a raw sockaddr) when not null, without waiting. */
    private static void sendTo(RestoreSession s, long fd, byte[] data, byte[] to, String what) throws IOException {
        var inj = s.main();
        s.resetArgs();
        long toAt = to == null ? 0 : s.put(to);
        long at;
        long mapped = 0;
        if (data.length <= CHUNK) {
            at = s.put(data);
        } else { // a message larger than the argument area: a temporary mapping in the task
            mapped = inj.call("mmap for a queued message", SysNr.MMAP, 0, data.length, 3, 0x22, -1, 0);
            s.memory().write(mapped, data);
            at = mapped;
        }
        long n = inj.raw(SysNr.SENDTO, fd, at, data.length, to == null ? 0 : MSG_DONTWAIT, toAt, to == null ? 0 : to.length);
        if (mapped != 0) inj.raw(SysNr.MUNMAP, mapped, data.length, 0, 0, 0, 0);
        if (n != data.length) {
            throw new IOException(what + ": cannot queue its " + data.length + " waiting bytes again: "
                    + (n < 0 ? Errno.describe((int) -n) : "only " + n + " taken"));
        }
    }

    private static void shutdown(RestoreSession s, long fd, int bits) throws IOException {
        if ((bits & SEND_SHUTDOWN) != 0) s.main().call("shutdown(SHUT_WR)", SysNr.SHUTDOWN, fd, SHUT_WR, 0);
        if ((bits & RCV_SHUTDOWN) != 0) s.main().call("shutdown(SHUT_RD)", SysNr.SHUTDOWN, fd, SHUT_RD, 0);
    }

    /**
     * Binds to the recorded name. A path still holding a socket file (left by the checkpointed process) is
     * unlinked first; any other file there is an error. The file gets its recorded mode, or is unlinked again
     * if it had been removed before the checkpoint.
     */
    private static void bind(RestoreSession s, long fd, UnixSocketFd e, String what) throws IOException {
        var inj = s.main();
        boolean path = e.address()[2] != 0;
        if (path) {
            s.resetArgs();
            long p = s.putString(SocketAddresses.format(e.address()));
            long st = s.put(new byte[144]);
            if (inj.raw(SysNr.NEWFSTATAT, AT_FDCWD, p, st, 0x100 /* AT_SYMLINK_NOFOLLOW */, 0, 0) == 0) {
                int mode = ByteBuffer.wrap(s.memory().read(st + 24, 4)).order(ByteOrder.LITTLE_ENDIAN).getInt();
                if ((mode & S_IFMT) != S_IFSOCK) {
                    throw new IOException(what + ": cannot bind again: the path is taken by a file that is not a socket");
                }
                inj.call("unlink the stale socket file of " + what, SysNr.UNLINKAT, AT_FDCWD, p, 0);
            }
        }
        s.resetArgs();
        long r = inj.raw(SysNr.BIND, fd, s.put(e.address()), e.address().length, 0, 0, 0);
        if (r < 0) throw new IOException(what + ": cannot bind again: " + Errno.describe((int) -r));
        if (path) {
            s.resetArgs();
            long p = s.putString(SocketAddresses.format(e.address()));
            if (e.fileMode() < 0) inj.call("unlink the socket file of " + what + " (it was gone)", SysNr.UNLINKAT, AT_FDCWD, p, 0);
            else inj.call("chmod the socket file of " + what, SysNr.FCHMODAT, AT_FDCWD, p, e.fileMode(), 0);
        }
    }
}
