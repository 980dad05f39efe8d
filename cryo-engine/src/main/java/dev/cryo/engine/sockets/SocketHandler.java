package dev.cryo.engine.sockets;

import dev.cryo.engine.RestoreSession;
import dev.cryo.engine.UnsupportedResourceException;
import dev.cryo.image.fd.FdEntry;
import dev.cryo.image.fd.InetSocketFd;
import dev.cryo.linux.fd.RemoteFds;
import dev.cryo.linux.net.Sockets;
import dev.cryo.linux.proc.NetParser;

import java.io.IOException;

/**
 * The sockets of one process: each is pulled into cryo (pidfd_getfd) to learn its family, and handed to
 * the handler of that family.
 */
public final class SocketHandler {
    private final InetSocketHandler inet = new InetSocketHandler();

    public FdEntry dump(int pid, int pidfd, int fd, int fdFlags, int openFlags, long inode) throws IOException {
        int local = RemoteFds.getfd(pidfd, fd);
        try {
            int family = Sockets.intOption(local, Sockets.SOL_SOCKET, Sockets.SO_DOMAIN);
            return switch (family) {
                case SocketAddresses.AF_INET, SocketAddresses.AF_INET6 ->
                        inet.dump(pid, fd, fdFlags, openFlags, local, family, inode);
                default -> throw new UnsupportedResourceException(pid, "fd " + fd + " ("
                        + NetParser.read(pid).describe(inode) + ", address family " + family + ")",
                        "sockets of this family are not supported yet");
            };
        } finally {
            RemoteFds.close(local);
        }
    }

    public long restore(RestoreSession s, InetSocketFd e) throws IOException {
        return inet.restore(s, e);
    }
}
