package dev.cryo.store;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Sequential writer of one blob. Data arrive in page-sized multiples (4096) except possibly the last
 * write; the store may cut, hash, deduplicate and compress them as it likes.
 */
public interface BlobWriter {

    /** Consumes {@code src} from its position to its limit; when this returns the buffer may be reused. */
    void write(ByteBuffer src) throws IOException;

    /**
     * Appends bytes [{@code offset}, {@code offset + length}) of a blob of a committed checkpoint, both
     * page-aligned (so is this blob's size), without reading them where the store can refer to them
     * instead: an incremental checkpoint takes its unchanged pages from the previous one this way. The
     * source's checkpoint must stay open until this checkpoint is committed.
     */
    default void append(BlobReader source, long offset, long length) throws IOException {
        ByteBuffer page = ByteBuffer.allocate(1 << 20);
        for (long at = offset; at < offset + length; at += page.capacity()) {
            page.clear().limit((int) Math.min(page.capacity(), offset + length - at));
            source.read(at, page);
            write(page.flip());
        }
    }

    /** Bytes written so far (the logical size of the blob). */
    long size();
}
