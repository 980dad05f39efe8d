package dev.cryo.store;

import java.io.IOException;
import java.nio.ByteBuffer;

/** Random-access reader of one blob; every byte returned has been checked against its hash. */
public interface BlobReader {

    long size();

    /** Fills {@code dst} from its position to its limit with the blob's bytes starting at {@code offset}. */
    void read(long offset, ByteBuffer dst) throws IOException;

    /**
     * The whole blob, every page hash-checked, left where it lies (mapped packs, decoded frames) for a
     * caller that copies it once more itself; a damaged or truncated pack is refused before it returns.
     */
    PageMap map() throws IOException;
}
