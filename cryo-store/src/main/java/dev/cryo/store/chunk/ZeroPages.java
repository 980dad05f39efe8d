package dev.cryo.store.chunk;

import java.util.Arrays;

/** All-zero pages are never stored; this finds them with the JDK's vectorized mismatch. */
public final class ZeroPages {
    public static final int PAGE = 4096;
    private static final byte[] ZEROS = new byte[PAGE];

    private ZeroPages() {}

    public static boolean isZero(byte[] b, int off, int len) {
        return Arrays.mismatch(b, off, off + len, ZEROS, 0, len) < 0;
    }

    public static void fill(byte[] b, int off, int len) {
        Arrays.fill(b, off, off + len, (byte) 0);
    }
}
