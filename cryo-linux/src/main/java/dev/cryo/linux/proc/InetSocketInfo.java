package dev.cryo.linux.proc;

import java.net.InetAddress;

/**
 * One socket of /proc/net/{tcp,tcp6,udp,udp6}.
 *
 * @param protocol which file it came from
 * @param state    the kernel's state code ("st"); for TCP see {@link #tcpState()}, UDP uses 1 (connected) and 7
 * @param txQueue  bytes in the send queue (TCP: not yet acknowledged)
 * @param rxQueue  bytes in the receive queue (TCP listeners: the accept backlog)
 * @param uid      owner uid (in the reader's user namespace)
 * @param inode    socket inode: the N of the fd link "socket:[N]"
 */
public record InetSocketInfo(Protocol protocol, InetAddress localAddress, int localPort, InetAddress remoteAddress,
                             int remotePort, int state, long txQueue, long rxQueue, int uid, long inode) {

    public enum Protocol {
        TCP("tcp", 4), TCP6("tcp6", 16), UDP("udp", 4), UDP6("udp6", 16);

        private final String file;
        private final int addressBytes;

        Protocol(String file, int addressBytes) {
            this.file = file;
            this.addressBytes = addressBytes;
        }

        /** File name under /proc/net. */
        public String file() {
            return file;
        }

        int addressBytes() {
            return addressBytes;
        }

        public boolean isTcp() {
            return this == TCP || this == TCP6;
        }
    }

    public TcpState tcpState() {
        return protocol.isTcp() ? TcpState.of(state) : TcpState.UNKNOWN;
    }

    /** "127.0.0.1:45678 -> 127.0.0.1:32990" style, for naming a connection to a user. */
    public String describe() {
        String local = hostPort(localAddress, localPort);
        return remotePort == 0 && remoteAddress.isAnyLocalAddress() ? local
                : local + " -> " + hostPort(remoteAddress, remotePort);
    }

    private static String hostPort(InetAddress address, int port) {
        String host = address.getHostAddress();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}
