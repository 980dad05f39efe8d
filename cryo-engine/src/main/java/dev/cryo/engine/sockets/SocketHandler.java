package dev.cryo.engine.sockets;

import dev.cryo.engine.RestoreSession;
import dev.cryo.engine.TreeFiles;
import dev.cryo.engine.UnsupportedResourceException;
import dev.cryo.image.fd.FdEntry;
import dev.cryo.image.fd.InetSocketFd;
import dev.cryo.linux.fd.RemoteFds;
import dev.cryo.linux.net.Sockets;
import dev.cryo.linux.proc.NetParser;

import dev.cryo.image.fd.UnixSocketFd;

import java.io.IOException;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The sockets of one process: each is pulled into cryo (pidfd_getfd) to learn its family, and handed to
 * the handler of that family.
 */
public final class SocketHandler {
    private final InetSocketHandler inet = new InetSocketHandler();
    private final UnixSocketHandler unix = new UnixSocketHandler();

    /**
     * @param allTargets the links of every fd of the process ("socket:[N]"...), to tell its own sockets
     * @param tree       the descriptors of the whole tree, to tell sockets held by its other processes
     * @param tcp        the TCP connections of the checkpoint (both ends of one may be in the tree)
     */
    public FdEntry dump(int pid, int pidfd, int fd, int fdFlags, int openFlags, long inode,
                        Collection<String> allTargets, TreeFiles tree, TcpConnectionHandler tcp) throws IOException {
        int local = RemoteFds.getfd(pidfd, fd);
        try {
            int family = Sockets.intOption(local, Sockets.SOL_SOCKET, Sockets.SO_DOMAIN);
            return switch (family) {
                case SocketAddresses.AF_INET, SocketAddresses.AF_INET6 ->
                        inet.dump(pid, fd, fdFlags, openFlags, local, family, inode, tree, tcp);
                case SocketAddresses.AF_UNIX -> unix.dump(pid, fd, fdFlags, openFlags, local, inode, inodes(allTargets), tree);
                default -> throw new UnsupportedResourceException(pid, "fd " + fd + " ("
                        + NetParser.read(pid).describe(inode) + ", address family " + family + ")",
                        "sockets of this family are not supported yet");
            };
        } finally {
            RemoteFds.close(local);
        }
    }

    private static Set<Long> inodes(Collection<String> targets) {
        return targets.stream().filter(t -> t.startsWith("socket:["))
                .map(t -> Long.parseLong(t.substring("socket:[".length(), t.length() - 1))).collect(Collectors.toSet());
    }

    public long restore(RestoreSession s, InetSocketFd e) throws IOException {
        return inet.restore(s, e);
    }

    public long restore(RestoreSession s, UnixSocketFd e) throws IOException {
        return unix.restore(s, e);
    }

    /** What needs every descriptor in place: datagram sockets connected again to their (bound) peers. */
    public void restoreConnections(RestoreSession s, List<FdEntry> entries) throws IOException {
        unix.connectSenders(s, entries);
    }
}
