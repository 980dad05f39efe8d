package dev.cryo.cli.daemon;

import dev.cryo.linux.net.ControlSocket;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Writes to a descriptor a request brought (the caller's stdout or stderr). {@link #close()} leaves the
 * descriptor open: the request owns it and closes it with {@link #release()} once the command is done, after
 * which writes fail instead of reaching a descriptor number the kernel may have handed to someone else.
 */
final class FdOutputStream extends OutputStream {
    private final int fd;
    private boolean released;

    FdOutputStream(int fd) {
        this.fd = fd;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) throws IOException {
        if (released) throw new IOException("the request has ended");
        ControlSocket.write(fd, b, off, len);
    }

    synchronized boolean released() {
        return released;
    }

    /** Closes the descriptor; later writes fail. */
    synchronized void release() {
        if (!released) {
            released = true;
            ControlSocket.close(fd);
        }
    }
}
