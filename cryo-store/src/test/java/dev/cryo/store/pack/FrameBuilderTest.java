package dev.cryo.store.pack;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Which chunks skip the compressor: random ones, and not heaps, text or mostly-zero pages. */
class FrameBuilderTest {
    private final FrameBuilder fb = new FrameBuilder(null);

    private boolean random(byte[] page) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment native_ = a.allocate(page.length + 8).asSlice(8);
            MemorySegment.copy(MemorySegment.ofArray(page), 0, native_, 0, page.length);
            boolean heap = fb.looksRandom(MemorySegment.ofArray(page), 0, page.length);
            boolean off = fb.looksRandom(native_, 0, page.length);
            if (heap != off) {
                throw new AssertionError("heap and native copies judged differently");
            }
            return heap;
        }
    }

    @Test
    void randomBytesLookRandom() {
        SplittableRandom r = new SplittableRandom(5);
        for (int i = 0; i < 50; i++) {
            byte[] page = new byte[4096];
            r.nextBytes(page);
            assertTrue(random(page));
        }
    }

    @Test
    void heapsTextAndSparsePagesDoNot() {
        SplittableRandom r = new SplittableRandom(6);
        byte[] heap = new byte[4096];
        for (int i = 0; i < heap.length; i += 8) {
            long v = switch (r.nextInt(3)) {
                case 0 -> r.nextInt(256);
                case 1 -> 0x00007f3a_00000000L + r.nextInt(1 << 20) * 16L;
                default -> i * 31L;
            };
            for (int j = 0; j < 8; j++) {
                heap[i + j] = (byte) (v >>> (8 * j));
            }
        }
        assertFalse(random(heap));
        byte[] text = new byte[4096];
        byte[] words = "the quick brown fox jumps over the lazy dog, 0123456789; ".getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < text.length; i++) {
            text[i] = words[(i * 7 + i / 13) % words.length];
        }
        assertFalse(random(text));
        assertFalse(random(new byte[4096]));
        byte[] small = new byte[1000];
        r.nextBytes(small);
        assertFalse(random(small), "too small to be worth judging");
    }
}
