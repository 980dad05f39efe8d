package dev.cryo.engine.sockets;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Raw sockaddr bytes, read for what matters: the port, and a name for messages. */
final class SocketAddresses {
    static final int AF_UNIX = 1, AF_INET = 2, AF_INET6 = 10;

    private SocketAddresses() {}

    static int family(byte[] a) {
        return (a[0] & 0xff) | (a[1] & 0xff) << 8;
    }

    static int port(byte[] a) {
        return (a[2] & 0xff) << 8 | (a[3] & 0xff);
    }

    /** "127.0.0.1:80", "[::1]:80", "/run/x.sock", "@abstract", or "(unnamed)". */
    static String format(byte[] a) {
        if (a == null || a.length < 2) return "(unnamed)";
        try {
            return switch (family(a)) {
                case AF_INET -> InetAddress.getByAddress(Arrays.copyOfRange(a, 4, 8)).getHostAddress() + ":" + port(a);
                case AF_INET6 -> "[" + InetAddress.getByAddress(Arrays.copyOfRange(a, 8, 24)).getHostAddress() + "]:" + port(a);
                case AF_UNIX -> unixPath(a);
                default -> "address family " + family(a);
            };
        } catch (UnknownHostException e) {
            throw new AssertionError("4 and 16 byte addresses are always valid", e);
        }
    }

    private static String unixPath(byte[] a) {
        if (a.length <= 2) return "(unnamed)";
        if (a[2] == 0) return "@" + new String(a, 3, a.length - 3, StandardCharsets.UTF_8).replace('\0', '@');
        int end = 2;
        while (end < a.length && a[end] != 0) end++;
        return new String(a, 2, end - 2, StandardCharsets.UTF_8);
    }
}
