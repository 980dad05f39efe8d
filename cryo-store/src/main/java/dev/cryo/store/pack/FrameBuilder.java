package dev.cryo.store.pack;

import java.io.IOException;

/**
 * Gathers consecutive new chunks into one frame (up to 64 KiB), compresses it and hands it to a
 * {@link PackSink}. One per worker thread; all buffers are allocated once. Frames that do not compress
 * are stored raw, and after such a frame the next few are not even tried (random data costs nothing).
 */
public final class FrameBuilder {
    public static final int MAX_CHUNKS = 16;
    private final PackSink sink;
    private final byte[] raw = new byte[FrameCodec.MAX_FRAME];
    private final byte[] packed = new byte[FrameCodec.maxCompressedLength(FrameCodec.MAX_FRAME)];
    private final long[] keys = new long[2 * MAX_CHUNKS];
    private final int[] offs = new int[MAX_CHUNKS];
    private final int[] lens = new int[MAX_CHUNKS];
    private int n;
    private int used;
    private int skip;
    private int skipRun;
    private long rawBytes;

    public FrameBuilder(PackSink sink) {
        this.sink = sink;
    }

    public void add(long lo, long hi, byte[] src, int off, int len) throws IOException {
        if (n == MAX_CHUNKS || used + len > raw.length) {
            flush();
        }
        System.arraycopy(src, off, raw, used, len);
        keys[2 * n] = lo;
        keys[2 * n + 1] = hi;
        offs[n] = used;
        lens[n] = len;
        n++;
        used += len;
        rawBytes += len;
    }

    public long rawBytes() {
        return rawBytes;
    }

    public void flush() throws IOException {
        if (n == 0) {
            return;
        }
        if (skip > 0) {
            skip--;
            sink.append(raw, used, used, FrameCodec.RAW, keys, offs, lens, n);
        } else {
            int c = FrameCodec.compress(raw, used, packed);
            if (c < used - used / 16) {
                skipRun = 0;
                sink.append(packed, c, used, FrameCodec.LZ4, keys, offs, lens, n);
            } else {
                skipRun = Math.min(skipRun * 2 + 1, 32);
                skip = skipRun;
                sink.append(raw, used, used, FrameCodec.RAW, keys, offs, lens, n);
            }
        }
        n = 0;
        used = 0;
    }
}
