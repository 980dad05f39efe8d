package dev.cryo.linux.proc;

/**
 * One socket of /proc/net/unix: {@code Num RefCount Protocol Flags Type St Inode Path}.
 *
 * @param refCount reference count (hex in the file)
 * @param flags    socket flags; {@link #LISTENING} (__SO_ACCEPTCON) marks a listening socket
 * @param type     SOCK_STREAM (1), SOCK_DGRAM (2) or SOCK_SEQPACKET (5)
 * @param state    SS_UNCONNECTED (1), SS_CONNECTING (2), SS_CONNECTED (3), SS_DISCONNECTING (4)
 * @param inode    socket inode: the N of the fd link "socket:[N]"
 * @param path     bound name: a file path, "@name" for the abstract namespace (NUL bytes shown as '@'), or ""
 *                 when unbound
 */
public record UnixSocketInfo(long inode, int refCount, int flags, int type, int state, String path) {

    public static final int LISTENING = 0x10000;
    public static final int SOCK_STREAM = 1;
    public static final int SOCK_DGRAM = 2;
    public static final int SOCK_SEQPACKET = 5;
    public static final int SS_CONNECTED = 3;

    public boolean isListening() {
        return (flags & LISTENING) != 0;
    }

    public boolean isAbstract() {
        return path.startsWith("@");
    }

    public boolean isBound() {
        return !path.isEmpty();
    }
}
