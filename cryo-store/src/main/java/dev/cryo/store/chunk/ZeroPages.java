package dev.cryo.store.chunk;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

/** All-zero pages are never stored; this finds them with the JDK's vectorized mismatch. */
public final class ZeroPages {
    public static final int PAGE = 4096;
    private static final byte[] ZEROS = new byte[PAGE];
    private static final MemorySegment ZERO_SEGMENT = MemorySegment.ofArray(ZEROS);

    private ZeroPages() {}

    public static boolean isZero(byte[] b, int off, int len) {
        return Arrays.mismatch(b, off, off + len, ZEROS, 0, len) < 0;
    }

    /** Same for a page of a heap or native segment ({@code len <= PAGE}). */
    public static boolean isZero(MemorySegment b, long off, int len) {
        if (len >= 8 && b.get(ValueLayout.JAVA_LONG_UNALIGNED, off) != 0) {
            return false; // most pages that hold data say so in their first word: no call into the mismatch loop
        }
        return MemorySegment.mismatch(b, off, off + len, ZERO_SEGMENT, 0, len) < 0;
    }

    public static void fill(byte[] b, int off, int len) {
        Arrays.fill(b, off, off + len, (byte) 0);
    }
}
