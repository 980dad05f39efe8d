package dev.cryo.store.chunk;

/** The XXH3-128 of a chunk's content. (0, 0) is reserved to mean "all-zero page, not stored". */
public record ChunkKey(long lo, long hi) {
    public static final ChunkKey ZERO = new ChunkKey(0, 0);

    public static ChunkKey of(byte[] b, int off, int len) {
        long[] h = new long[2];
        Xxh3.hash128(b, off, len, h, 0);
        return new ChunkKey(h[0], h[1]);
    }

    public static String hex(long lo, long hi) {
        return String.format("%016x%016x", hi, lo);
    }

    /** The 32-hex-digit id of some bytes (pack, index and manifest files are named so). */
    public static String idOf(byte[] b, int off, int len) {
        ChunkKey k = of(b, off, len);
        return hex(k.lo, k.hi);
    }

    public String hex() {
        return hex(lo, hi);
    }

    @Override
    public String toString() {
        return hex();
    }
}
