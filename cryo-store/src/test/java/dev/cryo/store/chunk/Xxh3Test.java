package dev.cryo.store.chunk;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.SplittableRandom;
import net.openhft.hashing.LongTupleHashFunction;
import org.junit.jupiter.api.Test;

/** Our XXH3-128 must agree bit for bit with the reference implementation (zero-allocation-hashing). */
class Xxh3Test {
    @Test
    void matchesReferenceForEveryLengthUpTo5000AndSomeLargeOnes() {
        LongTupleHashFunction ref = LongTupleHashFunction.xx128();
        byte[] data = new byte[70000];
        new SplittableRandom(42).nextBytes(data);
        long[] ours = new long[2];
        long[] theirs = new long[2];
        int[] offsets = {0, 3};
        for (int off : offsets) {
            for (int len = 0; len <= 5000; len++) {
                Xxh3.hash128(data, off, len, ours, 0);
                ref.hashBytes(data, off, len, theirs);
                assertArrayEquals(theirs, ours, "len " + len + " off " + off);
                Xxh3.javaHash128(data, off, len, ours, 0);
                assertArrayEquals(theirs, ours, "java, len " + len + " off " + off);
            }
            for (int len : new int[] {8191, 8192, 65536, 65537, 69990}) {
                Xxh3.hash128(data, off, len, ours, 0);
                ref.hashBytes(data, off, len, theirs);
                assertArrayEquals(theirs, ours, "len " + len);
                Xxh3.hash128(java.lang.foreign.MemorySegment.ofArray(data), off, len, ours, 0);
                assertArrayEquals(theirs, ours, "segment, len " + len);
            }
        }
    }
}
