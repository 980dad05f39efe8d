package dev.cryo.linux.proc;

import java.util.Map;
import java.util.Optional;

/**
 * The sockets of one network namespace, keyed by inode, to name what an fd link "socket:[N]" is.
 */
public record NetSockets(Map<Long, InetSocketInfo> inet, Map<Long, UnixSocketInfo> unix) {

    public Optional<InetSocketInfo> inet(long inode) {
        return Optional.ofNullable(inet.get(inode));
    }

    public Optional<UnixSocketInfo> unix(long inode) {
        return Optional.ofNullable(unix.get(inode));
    }

    /** A short human name for the socket with this inode: "tcp 127.0.0.1:80 -> ...", "unix /run/x.sock"... */
    public String describe(long inode) {
        InetSocketInfo i = inet.get(inode);
        if (i != null) {
            return i.protocol().file() + " " + i.describe()
                    + (i.protocol().isTcp() ? " (" + i.tcpState() + ")" : "");
        }
        UnixSocketInfo u = unix.get(inode);
        if (u != null) {
            return "unix " + (u.isBound() ? u.path() : "(unnamed)") + (u.isListening() ? " (LISTEN)" : "");
        }
        return "socket:[" + inode + "]";
    }
}
