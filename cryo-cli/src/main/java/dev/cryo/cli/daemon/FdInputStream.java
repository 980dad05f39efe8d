package dev.cryo.cli.daemon;

import dev.cryo.linux.net.ControlSocket;

import java.io.IOException;
import java.io.InputStream;

/** Reads the stdin a request brought. Closing it leaves the descriptor to the request, which closes it at the end. */
final class FdInputStream extends InputStream {
    private final int fd;

    FdInputStream(int fd) {
        this.fd = fd;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) <= 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) return 0;
        int n = ControlSocket.read(fd, b, off, len);
        return n == 0 ? -1 : n;
    }
}
