package dev.cryo.store.pack;

import dev.cryo.store.Compression;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Gathers new chunks into frames (up to 16 chunks, 64 KiB), compresses them and hands them to a
 * {@link PackSink}. Chunks that look random (a 128-byte sample with many distinct byte values: encrypted,
 * compressed or random data) go to a separate frame that is stored raw without trying to compress it, so
 * the compressor only sees data worth its time and the packed frames compress better. A frame that still
 * does not shrink is stored raw too. One per worker thread; buffers are allocated once, in native memory,
 * so frames reach the kernel's write without a copy through a temporary direct buffer.
 *
 * <p>Chunks added from native memory with {@link #add(long, long, MemorySegment, long, int)} are not copied
 * while they follow each other in that memory: the frame refers to the caller's bytes, and a random-looking
 * frame is written straight from them. Such a caller must call {@link #release} before it reuses its memory.
 */
public final class FrameBuilder {
    public static final int MAX_CHUNKS = 16;
    /** Distinct byte values among 128 samples above which a chunk is treated as incompressible. */
    static final int RANDOM_DISTINCT = 80;
    private static final ValueLayout.OfLong WORD = ValueLayout.JAVA_LONG_UNALIGNED;

    private final PackSink.Lane sink;
    private final byte codec;
    private final Arena arena = Arena.ofAuto();
    private final Frame packable = new Frame(arena);
    private final Frame randomLooking = new Frame(arena);
    private final MemorySegment packed = arena.allocate(FrameCodec.maxCompressedLength(FrameCodec.MAX_FRAME), 64);
    private final long[] seen = new long[4];
    private long rawBytes;

    /** One frame being filled: in its own buffer, or (while {@code ref != null}) in the caller's memory. */
    private static final class Frame {
        final MemorySegment raw;
        final long[] keys = new long[2 * MAX_CHUNKS];
        final int[] offs = new int[MAX_CHUNKS];
        final int[] lens = new int[MAX_CHUNKS];
        int n;
        int used;
        MemorySegment ref;
        long refOff;

        Frame(Arena arena) {
            raw = arena.allocate(FrameCodec.MAX_FRAME, 4096);
        }

        MemorySegment body() {
            return ref != null ? ref.asSlice(refOff, used) : raw.asSlice(0, used);
        }

        /** Copies the referred bytes into the frame's own buffer. */
        void own() {
            if (ref != null) {
                MemorySegment.copy(ref, refOff, raw, 0, used);
                ref = null;
            }
        }
    }

    /** A builder compressing with LZ4 (gc and import repack with the default). */
    public FrameBuilder(PackSink sink) {
        this(sink, Compression.LZ4);
    }

    public FrameBuilder(PackSink sink, Compression compression) {
        this.sink = sink == null ? null : sink.lane();
        this.codec = FrameCodec.codecOf(compression);
    }

    /** Adds a chunk from a heap array (copied at once). */
    public void add(long lo, long hi, byte[] src, int off, int len) throws IOException {
        add(lo, hi, MemorySegment.ofArray(src), off, len);
    }

    /**
     * Adds a chunk of {@code src[off, off+len)}. Native memory may be referred to rather than copied until
     * {@link #release}; heap memory is copied at once.
     */
    public void add(long lo, long hi, MemorySegment src, long off, int len) throws IOException {
        add(lo, hi, src, off, len, looksRandom(src, off, len));
    }

    /**
     * Same, for a caller that has sampled the chunk with {@link #looksRandom} already (the write path does
     * it right after hashing the page, while the page is in the cache: sampling a page that has left the
     * cache took twice as long).
     */
    public void add(long lo, long hi, MemorySegment src, long off, int len, boolean random) throws IOException {
        Frame f = random ? randomLooking : packable;
        if (f.n == MAX_CHUNKS || f.used + len > FrameCodec.MAX_FRAME) {
            flush(f);
        }
        if (f.n == 0 && src.isNative()) {
            f.ref = src;
            f.refOff = off;
        } else if (f.ref == null || f.ref != src || f.refOff + f.used != off) {
            f.own();
            MemorySegment.copy(src, off, f.raw, f.used, len);
        }
        f.keys[2 * f.n] = lo;
        f.keys[2 * f.n + 1] = hi;
        f.offs[f.n] = f.used;
        f.lens[f.n] = len;
        f.n++;
        f.used += len;
        rawBytes += len;
    }

    /**
     * Ends every reference to the caller's memory: a random-looking frame that refers to it is written now
     * (merging it with later chunks would gain nothing), a compressible one is copied to keep filling.
     */
    public void release() throws IOException {
        if (randomLooking.ref != null) {
            flush(randomLooking);
        }
        packable.own();
    }

    /**
     * Counts distinct byte values in 128 sampled bytes (16 words spread over the chunk): ~100 for random
     * data, far fewer for text or heaps.
     */
    public boolean looksRandom(MemorySegment b, long off, int len) {
        if (len < 1024) {
            return false;
        }
        long[] s = seen;
        s[0] = 0;
        s[1] = 0;
        s[2] = 0;
        s[3] = 0;
        long stride = (len / 16) & ~7L;
        for (int j = 0; j < 16; j++) {
            long w = b.get(WORD, off + 8 + j * stride);
            // no branch per byte: on random data half of them would be mispredicted
            for (int i = 0; i < 8; i++, w >>>= 8) {
                int v = (int) w & 0xFF;
                s[v >>> 6] |= 1L << v;
            }
        }
        int distinct = Long.bitCount(s[0]) + Long.bitCount(s[1]) + Long.bitCount(s[2]) + Long.bitCount(s[3]);
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
        MemorySegment body = f.body();
        int c = f == randomLooking ? 0 : FrameCodec.compress(codec, body, f.used, packed);
        if (c > 0) {
            sink.append(packed, c, f.used, codec, f.keys, f.offs, f.lens, f.n);
        } else {
            sink.append(body, f.used, f.used, FrameCodec.RAW, f.keys, f.offs, f.lens, f.n);
        }
        f.n = 0;
        f.used = 0;
        f.ref = null;
    }
}
