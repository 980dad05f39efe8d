package dev.cryo.store.pack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import net.jpountz.lz4.LZ4Factory;
import org.junit.jupiter.api.Test;

/** Frames of every codec round-trip; native LZ4 is the standard block format; damage is refused, not crashed on. */
class FrameCodecTest {
    private static byte[] heapLike() {
        byte[] b = new byte[FrameCodec.MAX_FRAME];
        SplittableRandom r = new SplittableRandom(3);
        for (int i = 0; i < b.length; i += 8) {
            b[i] = (byte) r.nextInt(16);
            b[i + 1] = (byte) (i >> 10);
        }
        return b;
    }

    @Test
    void everyCodecRoundTripsAndShrinksPages() {
        byte[] raw = heapLike();
        for (byte codec : new byte[] {FrameCodec.LZ4, FrameCodec.ZSTD}) {
            byte[] packed = new byte[FrameCodec.maxCompressedLength(raw.length)];
            int n = FrameCodec.compress(codec, raw, raw.length, packed);
            assertTrue(n > 0 && n < raw.length / 2, "codec " + codec + " gave " + n);
            byte[] back = new byte[raw.length];
            FrameCodec.decode(codec, packed, n, back, raw.length);
            assertArrayEquals(raw, back, "codec " + codec);
        }
    }

    @Test
    void lz4FramesAreTheStandardBlockFormat() {
        byte[] raw = heapLike();
        byte[] packed = new byte[FrameCodec.maxCompressedLength(raw.length)];
        int n = FrameCodec.compress(FrameCodec.LZ4, raw, raw.length, packed);
        byte[] back = new byte[raw.length];
        assertEquals(raw.length, LZ4Factory.safeInstance().safeDecompressor().decompress(packed, 0, n, back, 0));
        assertArrayEquals(raw, back);
        // and frames written by lz4-java (session 1's stores) read back
        byte[] old = LZ4Factory.safeInstance().fastCompressor().compress(raw);
        byte[] again = new byte[raw.length];
        FrameCodec.decode(FrameCodec.LZ4, old, old.length, again, raw.length);
        assertArrayEquals(raw, again);
    }

    @Test
    void randomDataIsNotCompressed() {
        byte[] raw = new byte[FrameCodec.MAX_FRAME];
        new SplittableRandom(5).nextBytes(raw);
        byte[] packed = new byte[FrameCodec.maxCompressedLength(raw.length)];
        assertEquals(0, FrameCodec.compress(FrameCodec.LZ4, raw, raw.length, packed));
        assertEquals(0, FrameCodec.compress(FrameCodec.ZSTD, raw, raw.length, packed));
    }

    @Test
    void damagedFramesAreRefused() {
        byte[] raw = heapLike();
        for (byte codec : new byte[] {FrameCodec.LZ4, FrameCodec.ZSTD}) {
            byte[] packed = new byte[FrameCodec.maxCompressedLength(raw.length)];
            int n = FrameCodec.compress(codec, raw, raw.length, packed);
            byte[] back = new byte[raw.length];
            assertThrows(IllegalArgumentException.class, () -> FrameCodec.decode(codec, packed, n / 2, back, raw.length));
            SplittableRandom r = new SplittableRandom(9);
            for (int i = 0; i < 50; i++) {
                byte[] bad = packed.clone();
                bad[r.nextInt(n)] ^= (byte) (1 + r.nextInt(255));
                try {
                    FrameCodec.decode(codec, bad, n, back, raw.length);
                } catch (IllegalArgumentException expected) {
                    // refused: fine; a flip that still decodes is caught by the chunk hashes
                }
            }
        }
    }
}
