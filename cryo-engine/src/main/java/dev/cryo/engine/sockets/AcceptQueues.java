package dev.cryo.engine.sockets;

import dev.cryo.engine.TreeFiles;
import dev.cryo.engine.UnsupportedResourceException;
import dev.cryo.linux.errno.ErrnoException;
import dev.cryo.linux.fd.RemoteFds;
import dev.cryo.linux.net.ListenQueues;
import dev.cryo.linux.net.Sockets;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The accept queues of a tree's listening TCP sockets, looked at as soon as the tree is frozen, before
 * anything of it is dumped. A connection waiting in the queue (or being made: its handshake under way)
 * is complete, or about to be, on the client's side, and a restored listener cannot have it back, so the
 * listener is refused; but an application accepts such connections within moments, so the checkpoint
 * first thaws the tree, waits until they are accepted ({@link #awaitAccepted}) and freezes it again,
 * a bounded number of times. Nothing of the tree has been touched when it is thawed so: the retried
 * checkpoint is a first one.
 */
public final class AcceptQueues {
    private static final int AF_INET = 2, AF_INET6 = 10;
    private static final long FIRST_PAUSE_NANOS = 1_000_000, LONGEST_PAUSE_NANOS = 20_000_000;

    /** A listener of the tree with connections waiting or being made: its first holder and its queue. */
    public record Busy(int pid, int fd, long inode, int family, String what, ListenQueues.Queue queue) {
        /** The refusal, as the listener's own dump words it. */
        public UnsupportedResourceException refusal() {
            return new UnsupportedResourceException(pid, what, InetSocketHandler.busyReason(queue));
        }
    }

    private AcceptQueues() {}

    /**
     * The tree's listeners that have connections waiting or being made. When the tree is killed after the
     * checkpoint, every listener of the tree is locked first ({@link TcpConnectionHandler#lockListener}),
     * so that what is read stays true until the kill.
     */
    public static List<Busy> busy(TreeFiles files, TcpConnectionHandler tcp) throws IOException {
        List<Busy> out = new ArrayList<>();
        for (int family : new int[] {AF_INET, AF_INET6}) {
            Map<Long, ListenQueues.Queue> queues = ListenQueues.tcp(family);
            List<Long> mine = queues.keySet().stream().filter(i -> !files.holders(target(i)).isEmpty()).toList();
            if (mine.isEmpty()) continue;
            if (tcp.killAfter()) {
                for (long inode : mine) tcp.lockListener(duplicate(files.holders(target(inode)).getFirst()));
                queues = ListenQueues.tcp(family); // what came in before the locks
            }
            for (long inode : mine) {
                ListenQueues.Queue q = queues.get(inode);
                if (q == null || !q.busy()) continue;
                TreeFiles.Holder h = files.holders(target(inode)).getFirst();
                out.add(new Busy(h.pid(), h.fd(), inode, family, describe(h, family), q));
            }
        }
        return out;
    }

    /**
     * Waits, the tree running, until no connection waits in or is being made to any of {@code busy} (or
     * the listener is gone), or until {@code deadline} (System.nanoTime()); true when they were accepted.
     * The queues are read again and again (sock_diag) with short pauses between readings: nothing the
     * kernel offers wakes a waiter when another process's accept queue empties.
     */
    public static boolean awaitAccepted(List<Busy> busy, long deadline) throws IOException, InterruptedException {
        long pause = FIRST_PAUSE_NANOS;
        for (;;) {
            if (accepted(busy)) return true;
            long left = deadline - System.nanoTime();
            if (left <= 0) return false;
            Thread.sleep(Math.max(1, Math.min(pause, left) / 1_000_000));
            pause = Math.min(pause * 2, LONGEST_PAUSE_NANOS);
        }
    }

    private static boolean accepted(List<Busy> busy) throws ErrnoException {
        Map<Long, ListenQueues.Queue> v4 = null, v6 = null;
        for (Busy b : busy) {
            Map<Long, ListenQueues.Queue> queues;
            if (b.family() == AF_INET) queues = v4 != null ? v4 : (v4 = ListenQueues.tcp(AF_INET));
            else queues = v6 != null ? v6 : (v6 = ListenQueues.tcp(AF_INET6));
            ListenQueues.Queue q = queues.get(b.inode());
            if (q != null && q.busy()) return false;
        }
        return true;
    }

    private static String target(long inode) {
        return "socket:[" + inode + "]";
    }

    private static int duplicate(TreeFiles.Holder h) throws ErrnoException {
        int pidfd = RemoteFds.pidfdOpen(h.pid());
        try {
            return RemoteFds.getfd(pidfd, h.fd());
        } finally {
            RemoteFds.close(pidfd);
        }
    }

    private static String describe(TreeFiles.Holder h, int family) {
        String address = "?";
        try {
            int fd = duplicate(h);
            try {
                address = SocketAddresses.format(Sockets.localAddress(fd));
            } finally {
                RemoteFds.close(fd);
            }
        } catch (ErrnoException ignored) {
            // named by its fd alone
        }
        return "fd " + h.fd() + " (" + (family == AF_INET6 ? "tcp6 " : "tcp ") + address + ")";
    }
}
