package dev.cryo.store;

import java.nio.ByteBuffer;
import java.util.SplittableRandom;

/** Deterministic page data for tests: random, compressible, zero and repeated pages. */
final class StoreTestData {
    static final int PAGE = 4096;

    private StoreTestData() {}

    /** {@code pages} pages where page i has a content that depends on (seed, i) and a mix of kinds. */
    static byte[] pages(long seed, int pages) {
        byte[] out = new byte[pages * PAGE];
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < pages; i++) {
            int kind = (int) ((seed + i) % 4);
            int off = i * PAGE;
            switch (kind) {
                case 0 -> {} // zero page
                case 1 -> { // random, incompressible
                    for (int j = 0; j < PAGE; j++) {
                        out[off + j] = (byte) r.nextInt();
                    }
                }
                default -> { // compressible text-like
                    for (int j = 0; j < PAGE; j++) {
                        out[off + j] = (byte) ('a' + ((j / 7 + i + seed) % 26));
                    }
                    out[off] = (byte) i;
                    out[off + 1] = (byte) (i >> 8);
                    out[off + 2] = (byte) seed;
                }
            }
        }
        return out;
    }

    static byte[] random(long seed, int len) {
        byte[] out = new byte[len];
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < len; i++) {
            out[i] = (byte) r.nextInt();
        }
        return out;
    }

    static byte[] readAll(BlobReader r) throws java.io.IOException {
        ByteBuffer dst = ByteBuffer.allocate(Math.toIntExact(r.size()));
        r.read(0, dst);
        return dst.array();
    }

    /** The blob through {@link BlobReader#map}: every page copied from where the map says it lies. */
    static byte[] readMapped(BlobReader r) throws java.io.IOException {
        byte[] out = new byte[Math.toIntExact(r.size())];
        try (PageMap m = r.map()) {
            for (int p = 0; p < m.pages(); p++) {
                int len = Math.min(PAGE, out.length - p * PAGE);
                if (m.address(p) != 0) {
                    java.lang.foreign.MemorySegment.copy(java.lang.foreign.MemorySegment.ofAddress(m.address(p))
                            .reinterpret(len), java.lang.foreign.ValueLayout.JAVA_BYTE, 0, out, p * PAGE, len);
                }
            }
        }
        return out;
    }
}
