package dev.cryo.linux.mem;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * /proc/PID/pagemap: one 64-bit entry per virtual page, telling whether it is present, swapped, and
 * whether it is a file page (or shared anonymous) rather than the process's own anonymous page.
 * Reads in batches into one reused buffer.
 */
public final class Pagemap implements AutoCloseable {
    public static final long PRESENT = 1L << 63, SWAPPED = 1L << 62, FILE_OR_SHARED = 1L << 61,
            EXCLUSIVE = 1L << 56;
    private static final int BATCH_PAGES = 64 * 1024;

    private final FileChannel channel;
    private final ByteBuffer buffer = ByteBuffer.allocateDirect(BATCH_PAGES * 8).order(ByteOrder.nativeOrder());

    public Pagemap(int pid) throws IOException {
        this.channel = FileChannel.open(Path.of("/proc/" + pid + "/pagemap"), StandardOpenOption.READ);
    }

    /** Calls {@code visitor} with each page's entry for [start, end) in order. */
    public void scan(long start, long end, EntryVisitor visitor) throws IOException {
        long page = start / NativeBuffer.PAGE, last = end / NativeBuffer.PAGE;
        while (page < last) {
            int n = (int) Math.min(BATCH_PAGES, last - page);
            buffer.clear().limit(n * 8);
            long pos = page * 8;
            while (buffer.hasRemaining()) {
                int r = channel.read(buffer, pos + buffer.position());
                if (r <= 0) throw new IOException("short read of pagemap at page 0x" + Long.toHexString(page));
            }
            for (int i = 0; i < n; i++) {
                visitor.visit((page + i) * NativeBuffer.PAGE, buffer.getLong(i * 8));
            }
            page += n;
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    @FunctionalInterface
    public interface EntryVisitor {
        void visit(long address, long entry);
    }
}
