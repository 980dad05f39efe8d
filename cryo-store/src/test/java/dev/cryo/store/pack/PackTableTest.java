package dev.cryo.store.pack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Sorting a pack's chunks by key (done early, in the background) is idempotent and follows later additions. */
class PackTableTest {
    @Test
    void sortingTwiceChangesNothingAndChunksAddedLaterAreSortedIn() {
        PackTable t = new PackTable();
        SplittableRandom r = new SplittableRandom(3);
        int frame = t.addFrame(0, 100, 4096, FrameCodec.RAW);
        for (int i = 0; i < 1000; i++) {
            t.addChunk(r.nextLong(), r.nextLong(), frame, i, 4096 - i);
        }
        t.sortChunks();
        assertSorted(t);
        long[] lo = t.keyLo.clone();
        int[] lens = t.chunkLen.clone();
        t.sortChunks();
        assertArrayEquals(lo, t.keyLo);
        assertArrayEquals(lens, t.chunkLen);
        t.addChunk(Long.MIN_VALUE, 0, frame, 7, 9); // the smallest key, added after a sort
        t.sortChunks();
        assertSorted(t);
        assertEquals(1001, t.chunks);
        assertEquals(0, t.keyHi[0]);
        assertEquals(9, t.chunkLen[0], "each chunk keeps its own frame, offset and length");
        assertEquals(7, t.chunkOffset[0]);
    }

    private static void assertSorted(PackTable t) {
        for (int i = 1; i < t.chunks; i++) {
            int c = Long.compareUnsigned(t.keyHi[i - 1], t.keyHi[i]);
            assertTrue(c < 0 || c == 0 && Long.compareUnsigned(t.keyLo[i - 1], t.keyLo[i]) < 0, "sorted at " + i);
        }
    }
}
