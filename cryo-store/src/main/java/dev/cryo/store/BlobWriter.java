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

    /** Bytes written so far (the logical size of the blob). */
    long size();
}
