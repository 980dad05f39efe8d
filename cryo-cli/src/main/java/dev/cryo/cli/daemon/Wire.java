package dev.cryo.cli.daemon;

import dev.cryo.linux.net.ControlSocket;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Framing on the daemon's socket: a request is a u32 length (host order) and that many bytes, the caller's
 * descriptors riding on the first bytes; an answer is one kind byte and its data, then end of stream.
 */
final class Wire {
    static final byte EXIT = 'x', DECLINED = 'd', REFUSED = 'r', ANSWER = 's';

    private Wire() {}

    /** One request as received: its payload and the descriptors that came with it (ours to close). */
    record Frame(byte[] payload, int[] fds) {
        void closeFds() {
            for (int fd : fds) ControlSocket.close(fd);
        }
    }

    static Frame read(int fd) throws IOException {
        byte[] head = new byte[4];
        int[] fds = new int[0];
        int got = 0;
        while (got < 4) {
            ControlSocket.Received r = ControlSocket.receive(fd, head, got, 4 - got);
            fds = concat(fds, r.fds());
            if (r.bytes() == 0) {
                for (int f : fds) ControlSocket.close(f);
                throw new IOException("the client closed the connection before its request");
            }
            got += r.bytes();
        }
        int len = ByteBuffer.wrap(head).order(ByteOrder.nativeOrder()).getInt();
        if (len < 0 || len > Request.MAX_PAYLOAD) {
            for (int f : fds) ControlSocket.close(f);
            throw new IOException("request of " + Integer.toUnsignedString(len) + " bytes");
        }
        byte[] payload = new byte[len];
        got = 0;
        while (got < len) {
            int n = ControlSocket.read(fd, payload, got, len - got);
            if (n == 0) {
                for (int f : fds) ControlSocket.close(f);
                throw new IOException("the client closed the connection in its request");
            }
            got += n;
        }
        return new Frame(payload, fds);
    }

    static void write(int fd, byte[] payload) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(4 + payload.length).order(ByteOrder.nativeOrder());
        b.putInt(payload.length).put(payload);
        ControlSocket.write(fd, b.array(), 0, b.capacity());
    }

    static void answer(int fd, byte kind, byte[] data) throws IOException {
        byte[] msg = new byte[1 + data.length];
        msg[0] = kind;
        System.arraycopy(data, 0, msg, 1, data.length);
        ControlSocket.write(fd, msg, 0, msg.length);
    }

    static void exitCode(int fd, int code) throws IOException {
        answer(fd, EXIT, ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(code).array());
    }

    /** Everything until the peer closes. */
    static byte[] readAll(int fd) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[4096];
        for (int n; (n = ControlSocket.read(fd, buf, 0, buf.length)) > 0; ) {
            out.write(buf, 0, n);
        }
        return out.toByteArray();
    }

    private static int[] concat(int[] a, int[] b) {
        if (b.length == 0) return a;
        int[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }
}
