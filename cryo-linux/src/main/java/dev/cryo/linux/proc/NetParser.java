package dev.cryo.linux.proc;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses /proc/net/{tcp,tcp6,udp,udp6,unix} (and the same files under /proc/PID/net, which show the network
 * namespace of that process).
 *
 * <p>inet lines: {@code sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode
 * ...}. Addresses are the raw in-kernel 32-bit words printed with %08X on a little-endian machine, so each word's
 * bytes are reversed: {@code 0100007F} is 127.0.0.1. Ports are plain hex.
 */
public final class NetParser {

    private NetParser() {
    }

    /** Every inet and unix socket of the network namespace of {@code pid}, keyed by inode. */
    public static NetSockets read(int pid) throws IOException {
        Path net = ProcText.pidDir(pid).resolve("net");
        Map<Long, InetSocketInfo> inet = new HashMap<>();
        for (InetSocketInfo.Protocol p : InetSocketInfo.Protocol.values()) {
            for (InetSocketInfo s : readIfPresent(net.resolve(p.file()), p)) {
                inet.put(s.inode(), s);
            }
        }
        Map<Long, UnixSocketInfo> unix = new HashMap<>();
        try {
            for (UnixSocketInfo u : parseUnix(ProcText.read(net.resolve("unix")))) {
                unix.put(u.inode(), u);
            }
        } catch (NoSuchFileException noUnixSupport) {
            // kernel without unix sockets: nothing to name
        }
        return new NetSockets(Map.copyOf(inet), Map.copyOf(unix));
    }

    public static List<InetSocketInfo> readInet(int pid, InetSocketInfo.Protocol protocol) throws IOException {
        return readIfPresent(ProcText.pidDir(pid).resolve("net").resolve(protocol.file()), protocol);
    }

    public static List<UnixSocketInfo> readUnix(int pid) throws IOException {
        return parseUnix(ProcText.read(ProcText.pidDir(pid).resolve("net").resolve("unix")));
    }

    private static List<InetSocketInfo> readIfPresent(Path file, InetSocketInfo.Protocol p) throws IOException {
        try {
            return parseInet(ProcText.read(file), p);
        } catch (NoSuchFileException protocolNotBuilt) {
            return List.of(); // e.g. tcp6 when IPv6 is disabled
        }
    }

    public static List<InetSocketInfo> parseInet(String text, InetSocketInfo.Protocol protocol) {
        List<InetSocketInfo> out = new ArrayList<>();
        int length = text.length();
        int line = ProcText.lineEnd(text, 0) + 1; // header
        Tokens t = new Tokens(text);
        while (line < length) {
            int eol = ProcText.lineEnd(text, line);
            t.reset(line, eol);
            if (t.next()) { // "sl:"
                t.require();
                int colon = ProcText.indexOf(text, ':', t.start, t.end);
                InetAddress local = address(text, t.start, colon, protocol);
                int localPort = (int) ProcText.hex(text, colon + 1, t.end);
                t.require();
                colon = ProcText.indexOf(text, ':', t.start, t.end);
                InetAddress remote = address(text, t.start, colon, protocol);
                int remotePort = (int) ProcText.hex(text, colon + 1, t.end);
                t.require();
                int state = (int) ProcText.hex(text, t.start, t.end);
                t.require();
                colon = ProcText.indexOf(text, ':', t.start, t.end);
                long tx = ProcText.hex(text, t.start, colon);
                long rx = ProcText.hex(text, colon + 1, t.end);
                t.require(); // tr:tm->when
                t.require(); // retrnsmt
                t.require();
                int uid = (int) ProcText.decimal(text, t.start, t.end);
                t.require(); // timeout
                t.require();
                long inode = ProcText.unsignedDecimal(text, t.start, t.end);
                out.add(new InetSocketInfo(protocol, local, localPort, remote, remotePort, state, tx, rx, uid, inode));
            }
            line = eol + 1;
        }
        return List.copyOf(out);
    }

    /** {@code Num: RefCount Protocol Flags Type St Inode [Path]}; the path is the rest of the line, spaces and all. */
    public static List<UnixSocketInfo> parseUnix(String text) {
        List<UnixSocketInfo> out = new ArrayList<>();
        int length = text.length();
        int line = ProcText.lineEnd(text, 0) + 1; // header
        Tokens t = new Tokens(text);
        while (line < length) {
            int eol = ProcText.lineEnd(text, line);
            t.reset(line, eol);
            if (t.next()) { // "Num:"
                t.require();
                int refCount = (int) ProcText.hex(text, t.start, t.end);
                t.require(); // protocol, always 0
                t.require();
                int flags = (int) ProcText.hex(text, t.start, t.end);
                t.require();
                int type = (int) ProcText.hex(text, t.start, t.end);
                t.require();
                int state = (int) ProcText.hex(text, t.start, t.end);
                t.require();
                long inode = ProcText.unsignedDecimal(text, t.start, t.end);
                // exactly one space separates inode and path; the path itself may start with or hold blanks
                String path = t.end + 1 < eol ? text.substring(t.end + 1, eol) : "";
                out.add(new UnixSocketInfo(inode, refCount, flags, type, state, path));
            }
            line = eol + 1;
        }
        return List.copyOf(out);
    }

    private static InetAddress address(String text, int from, int to, InetSocketInfo.Protocol protocol) {
        int n = protocol.addressBytes();
        if (to - from != 2 * n) {
            throw new ProcFormatException("net: expected " + n + "-byte address", text, from);
        }
        byte[] bytes = new byte[n];
        for (int w = 0; w < n / 4; w++) {
            long word = ProcText.hex(text, from + 8 * w, from + 8 * w + 8);
            for (int b = 0; b < 4; b++) {
                bytes[4 * w + b] = (byte) (word >>> (8 * b)); // host (little-endian) order of each word
            }
        }
        try {
            return InetAddress.getByAddress(bytes); // no lookup: only builds the object
        } catch (UnknownHostException impossible) {
            throw new IllegalStateException(impossible);
        }
    }

    private static final class Tokens {
        private final String text;
        private int to;
        int start;
        int end;

        Tokens(String text) {
            this.text = text;
        }

        void reset(int from, int to) {
            this.end = from;
            this.to = to;
        }

        boolean next() {
            start = ProcText.skipBlanks(text, end, to);
            end = ProcText.tokenEnd(text, start, to);
            return start < end;
        }

        void require() {
            if (!next()) {
                throw new ProcFormatException("net: missing field", text, start);
            }
        }
    }
}
