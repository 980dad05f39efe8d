package dev.cryo.linux.mem;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * /proc/PID/mem: slower than process_vm_readv, but it reads (and writes) areas whose protection forbids
 * it (PROT_NONE, write to read-only), as a tracer may.
 */
public final class ProcMem implements AutoCloseable {
    private final FileChannel channel;

    public ProcMem(int pid, boolean write) throws IOException {
        this.channel = write
                ? FileChannel.open(Path.of("/proc/" + pid + "/mem"), StandardOpenOption.READ, StandardOpenOption.WRITE)
                : FileChannel.open(Path.of("/proc/" + pid + "/mem"), StandardOpenOption.READ);
    }

    /** Reads into {@code dst}; returns false if the page range cannot be read at all. */
    public boolean read(long address, ByteBuffer dst) {
        try {
            while (dst.hasRemaining()) {
                int r = channel.read(dst, address);
                if (r <= 0) return false;
                address += r;
            }
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    public void write(long address, ByteBuffer src) throws IOException {
        while (src.hasRemaining()) {
            int w = channel.write(src, address);
            if (w <= 0) throw new IOException("/proc/mem: short write at 0x" + Long.toHexString(address));
            address += w;
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
