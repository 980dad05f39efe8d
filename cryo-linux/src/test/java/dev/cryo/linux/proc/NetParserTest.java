package dev.cryo.linux.proc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cryo.linux.proc.InetSocketInfo.Protocol;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NetParserTest {

    @Test
    void tcpListenerAndBothEndsOfAConnection() throws Exception {
        List<InetSocketInfo> tcp = NetParser.parseInet(Fixture.text("net-tcp.txt"), Protocol.TCP);
        assertEquals(4, tcp.size());
        InetSocketInfo listener = tcp.get(0);
        assertEquals(InetAddress.getByName("127.0.0.1"), listener.localAddress());
        assertEquals(45678, listener.localPort());
        assertEquals(InetAddress.getByName("0.0.0.0"), listener.remoteAddress());
        assertEquals(TcpState.LISTEN, listener.tcpState());
        assertEquals(5281, listener.inode());
        assertEquals(0, listener.uid());

        InetSocketInfo client = tcp.get(2);
        assertEquals(TcpState.ESTABLISHED, client.tcpState());
        assertEquals(0x80DE, client.localPort());
        assertEquals(45678, client.remotePort());
        assertEquals("127.0.0.1:32990 -> 127.0.0.1:45678", client.describe());
        assertEquals(client.localPort(), tcp.get(3).remotePort(), "the accepted end mirrors the client");
    }

    @Test
    void ipv6AndUdp() throws Exception {
        InetSocketInfo t6 = NetParser.parseInet(Fixture.text("net-tcp6.txt"), Protocol.TCP6).getFirst();
        assertEquals(InetAddress.getByName("::"), t6.localAddress());
        assertEquals(45679, t6.localPort());
        assertEquals(TcpState.LISTEN, t6.tcpState());

        InetSocketInfo u6 = NetParser.parseInet(Fixture.text("net-udp6.txt"), Protocol.UDP6).getFirst();
        assertEquals(InetAddress.getByName("::1"), u6.localAddress(), "each 32-bit word is byte-swapped");
        assertEquals(5353, u6.localPort());
        assertEquals(5289, u6.inode());
        assertEquals(7, u6.state());
        assertEquals(TcpState.UNKNOWN, u6.tcpState());

        InetSocketInfo u4 = NetParser.parseInet(Fixture.text("net-udp.txt"), Protocol.UDP).getFirst();
        assertEquals(45680, u4.localPort());
        assertEquals("[0:0:0:0:0:0:0:1]:5353", u6.describe(), "Java spells IPv6 in full");
    }

    @Test
    void unixSocketsWithSpacesAbstractAndUnnamed() {
        List<UnixSocketInfo> unix = NetParser.parseUnix(Fixture.text("net-unix.txt"));
        assertEquals(6, unix.size());
        UnixSocketInfo unnamed = unix.get(0);
        assertEquals(5287, unnamed.inode());
        assertEquals("", unnamed.path());
        assertFalse(unnamed.isBound());
        assertEquals(UnixSocketInfo.SS_CONNECTED, unnamed.state());

        UnixSocketInfo listening = unix.get(1);
        assertEquals("/tmp/procfx/my sock", listening.path());
        assertTrue(listening.isListening());
        assertEquals(UnixSocketInfo.SOCK_STREAM, listening.type());

        UnixSocketInfo abs = unix.get(5);
        assertEquals("@abstract-cryo", abs.path());
        assertTrue(abs.isAbstract());
        assertEquals(UnixSocketInfo.SOCK_DGRAM, abs.type());
    }

    @Test
    void namesOwnSocketsByInode(@TempDir Path dir) throws Exception {
        Path sockPath = dir.resolve("my sock (1)");
        try (ServerSocket server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
             Socket client = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
             Socket accepted = server.accept();
             ServerSocketChannel unixServer = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            unixServer.bind(UnixDomainSocketAddress.of(sockPath));
            NetSockets sockets = NetParser.read(OwnFds.pid());

            boolean listenerSeen = false;
            boolean clientSeen = false;
            boolean unixSeen = false;
            for (long inode : socketInodes()) {
                var inet = sockets.inet(inode);
                if (inet.isPresent() && inet.get().localPort() == server.getLocalPort()
                        && inet.get().tcpState() == TcpState.LISTEN) {
                    listenerSeen = true;
                }
                if (inet.isPresent() && inet.get().localPort() == client.getLocalPort()
                        && inet.get().remotePort() == server.getLocalPort()) {
                    clientSeen = inet.get().tcpState() == TcpState.ESTABLISHED;
                    assertTrue(sockets.describe(inode).startsWith("tcp"), sockets.describe(inode));
                }
                var unix = sockets.unix(inode);
                if (unix.isPresent() && unix.get().path().equals(sockPath.toString())) {
                    unixSeen = unix.get().isListening();
                    assertEquals("unix " + sockPath + " (LISTEN)", sockets.describe(inode));
                }
            }
            assertTrue(listenerSeen, "our listener on port " + server.getLocalPort());
            assertTrue(clientSeen, "our client connection");
            assertTrue(unixSeen, "our unix listener at " + sockPath);
            assertTrue(accepted.isConnected());
            assertEquals(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort()),
                    client.getRemoteSocketAddress());
        }
    }

    /** Inodes N of this JVM's fd links "socket:[N]". */
    private static List<Long> socketInodes() throws Exception {
        try (var fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.map(fd -> {
                try {
                    return Files.readSymbolicLink(fd).toString();
                } catch (java.io.IOException gone) {
                    return "";
                }
            }).filter(l -> l.startsWith("socket:[")).map(l -> Long.parseLong(l.substring(8, l.length() - 1))).toList();
        }
    }
}
