package dev.cryo.store;

import dev.cryo.linux.mem.NativeBuffer;
import java.lang.foreign.Arena;

/**
 * A blob's pages where they lie, every one already checked against its hash: in the mapped pack files
 * (pages of raw frames: the page cache itself, no copy) or in one buffer holding the decoded compressed
 * frames. What a restore writes into a process from, with one copy. Valid until closed.
 */
public final class PageMap implements AutoCloseable {
    private final long size;
    private final long[] address;
    private final Arena mappings;
    private final NativeBuffer decoded;

    PageMap(long size, long[] address, Arena mappings, NativeBuffer decoded) {
        this.size = size;
        this.address = address;
        this.mappings = mappings;
        this.decoded = decoded;
    }

    /** The blob's size in bytes. */
    public long size() {
        return size;
    }

    public int pages() {
        return address.length;
    }

    /** Where page {@code page} lies (readable, at least up to the blob's end), or 0 for an all-zero page. */
    public long address(int page) {
        return address[page];
    }

    @Override
    public void close() {
        try {
            mappings.close();
        } finally {
            if (decoded != null) decoded.close();
        }
    }
}
