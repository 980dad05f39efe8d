package dev.cryo.store.pack;

import dev.cryo.store.Compression;
import java.io.IOException;

/**
 * Gathers new chunks into frames (up to 16 chunks, 64 KiB), compresses them and hands them to a
 * {@link PackSink}. Chunks that look random (a 128-byte sample with many distinct byte values: encrypted,
 * compressed or random data) go to a separate frame that is stored raw without trying to compress it, so
 * the compressor only sees data worth its time and the packed frames compress better. A frame that still
 * does not shrink is stored raw too. One per worker thread; buffers are allocated once.
 */
public final class FrameBuilder {
    public static final int MAX_CHUNKS = 16;
    /** Distinct byte values among 128 samples above which a chunk is treated as incompressible. */
    static final int RANDOM_DISTINCT = 80;

    private final PackSink sink;
    private final byte codec;
    private final Frame packable = new Frame();
    private final Frame randomLooking = new Frame();
    private final byte[] packed = new byte[FrameCodec.maxCompressedLength(FrameCodec.MAX_FRAME)];
    private final long[] seen = new long[4];
    private long rawBytes;

    /** One frame being filled. */
    private static final class Frame {
        final byte[] raw = new byte[FrameCodec.MAX_FRAME];
        final long[] keys = new long[2 * MAX_CHUNKS];
        final int[] offs = new int[MAX_CHUNKS];
        final int[] lens = new int[MAX_CHUNKS];
        int n;
        int used;
    }

    /** A builder compressing with LZ4 (gc and import repack with the default). */
    public FrameBuilder(PackSink sink) {
        this(sink, Compression.LZ4);
    }

    public FrameBuilder(PackSink sink, Compression compression) {
        this.sink = sink;
        this.codec = FrameCodec.codecOf(compression);
    }

    public void add(long lo, long hi, byte[] src, int off, int len) throws IOException {
        Frame f = looksRandom(src, off, len) ? randomLooking : packable;
        if (f.n == MAX_CHUNKS || f.used + len > f.raw.length) {
            flush(f);
        }
        System.arraycopy(src, off, f.raw, f.used, len);
        f.keys[2 * f.n] = lo;
        f.keys[2 * f.n + 1] = hi;
        f.offs[f.n] = f.used;
        f.lens[f.n] = len;
        f.n++;
        f.used += len;
        rawBytes += len;
    }

    /** Counts distinct byte values in 128 evenly spread samples: ~101 for random data, far fewer for text or heaps. */
    boolean looksRandom(byte[] b, int off, int len) {
        if (len < 1024) {
            return false;
        }
        long[] s = seen;
        s[0] = 0;
        s[1] = 0;
        s[2] = 0;
        s[3] = 0;
        int stride = len / 128;
        int distinct = 0;
        for (int i = 0, p = off + 7; i < 128; i++, p += stride) {
            int v = b[p] & 0xFF;
            long bit = 1L << (v & 63);
            if ((s[v >>> 6] & bit) == 0) {
                s[v >>> 6] |= bit;
                distinct++;
            }
        }
        return distinct > RANDOM_DISTINCT;
    }

    public long rawBytes() {
        return rawBytes;
    }

    public void flush() throws IOException {
        flush(packable);
        flush(randomLooking);
    }

    private void flush(Frame f) throws IOException {
        if (f.n == 0) {
            return;
        }
        int c = f == randomLooking ? 0 : FrameCodec.compress(codec, f.raw, f.used, packed);
        if (c > 0) {
            sink.append(packed, c, f.used, codec, f.keys, f.offs, f.lens, f.n);
        } else {
            sink.append(f.raw, f.used, f.used, FrameCodec.RAW, f.keys, f.offs, f.lens, f.n);
        }
        f.n = 0;
        f.used = 0;
    }
}
