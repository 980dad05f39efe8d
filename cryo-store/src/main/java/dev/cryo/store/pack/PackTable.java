package dev.cryo.store.pack;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * What one pack holds: its frames (offset, compressed and raw length, codec) and its chunks (key, frame,
 * offset in the frame, length), in primitive arrays. The same bytes form a pack's trailer and a pack's
 * section of an index file, so both are written and parsed here.
 */
public final class PackTable {
    public static final int FRAME_BYTES = 8 + 4 + 4 + 1;
    public static final int CHUNK_BYTES = 8 + 8 + 4 + 4 + 4;

    public long[] frameOffset = new long[16];
    public int[] frameCompLen = new int[16];
    public int[] frameRawLen = new int[16];
    public byte[] frameCodec = new byte[16];
    public int frames;

    public long[] keyLo = new long[64];
    public long[] keyHi = new long[64];
    public int[] chunkFrame = new int[64];
    public int[] chunkOffset = new int[64];
    public int[] chunkLen = new int[64];
    public int chunks;

    public int addFrame(long offset, int compLen, int rawLen, byte codec) {
        if (frames == frameOffset.length) {
            int n = frames * 2;
            frameOffset = Arrays.copyOf(frameOffset, n);
            frameCompLen = Arrays.copyOf(frameCompLen, n);
            frameRawLen = Arrays.copyOf(frameRawLen, n);
            frameCodec = Arrays.copyOf(frameCodec, n);
        }
        frameOffset[frames] = offset;
        frameCompLen[frames] = compLen;
        frameRawLen[frames] = rawLen;
        frameCodec[frames] = codec;
        return frames++;
    }

    public void addChunk(long lo, long hi, int frame, int offset, int len) {
        if (chunks == keyLo.length) {
            int n = chunks * 2;
            keyLo = Arrays.copyOf(keyLo, n);
            keyHi = Arrays.copyOf(keyHi, n);
            chunkFrame = Arrays.copyOf(chunkFrame, n);
            chunkOffset = Arrays.copyOf(chunkOffset, n);
            chunkLen = Arrays.copyOf(chunkLen, n);
        }
        keyLo[chunks] = lo;
        keyHi[chunks] = hi;
        chunkFrame[chunks] = frame;
        chunkOffset[chunks] = offset;
        chunkLen[chunks] = len;
        chunks++;
    }

    public long compressedBytes() {
        long n = 0;
        for (int i = 0; i < frames; i++) {
            n += frameCompLen[i];
        }
        return n;
    }

    public int encodedSize() {
        return 8 + frames * FRAME_BYTES + chunks * CHUNK_BYTES;
    }

    public void encode(ByteBuffer out) {
        out.order(ByteOrder.LITTLE_ENDIAN);
        out.putInt(frames);
        for (int i = 0; i < frames; i++) {
            out.putLong(frameOffset[i]).putInt(frameCompLen[i]).putInt(frameRawLen[i]).put(frameCodec[i]);
        }
        out.putInt(chunks);
        for (int i = 0; i < chunks; i++) {
            out.putLong(keyLo[i]).putLong(keyHi[i]).putInt(chunkFrame[i]).putInt(chunkOffset[i]).putInt(chunkLen[i]);
        }
    }

    /** Parses a table, checking every reference stays inside it; {@code limit} bounds frame offsets. */
    public static PackTable decode(ByteBuffer in, long limit) throws IllegalArgumentException {
        try {
            in.order(ByteOrder.LITTLE_ENDIAN);
            PackTable t = new PackTable();
            int nf = in.getInt();
            if (nf < 0 || (long) nf * FRAME_BYTES > in.remaining()) {
                throw new IllegalArgumentException("bad frame count " + nf);
            }
            t.frameOffset = new long[Math.max(1, nf)];
            t.frameCompLen = new int[Math.max(1, nf)];
            t.frameRawLen = new int[Math.max(1, nf)];
            t.frameCodec = new byte[Math.max(1, nf)];
            for (int i = 0; i < nf; i++) {
                long off = in.getLong();
                int comp = in.getInt();
                int raw = in.getInt();
                byte codec = in.get();
                if (off < 0 || comp < 0 || raw < 0 || off + comp > limit || !FrameCodec.known(codec)) {
                    throw new IllegalArgumentException("bad frame " + i);
                }
                t.addFrame(off, comp, raw, codec);
            }
            int nc = in.getInt();
            if (nc < 0 || (long) nc * CHUNK_BYTES > in.remaining()) {
                throw new IllegalArgumentException("bad chunk count " + nc);
            }
            t.keyLo = new long[Math.max(1, nc)];
            t.keyHi = new long[Math.max(1, nc)];
            t.chunkFrame = new int[Math.max(1, nc)];
            t.chunkOffset = new int[Math.max(1, nc)];
            t.chunkLen = new int[Math.max(1, nc)];
            for (int i = 0; i < nc; i++) {
                long lo = in.getLong();
                long hi = in.getLong();
                int f = in.getInt();
                int off = in.getInt();
                int len = in.getInt();
                if (f < 0 || f >= nf || off < 0 || len <= 0 || (long) off + len > t.frameRawLen[f]) {
                    throw new IllegalArgumentException("bad chunk " + i);
                }
                t.addChunk(lo, hi, f, off, len);
            }
            return t;
        } catch (BufferUnderflowException e) {
            throw new IllegalArgumentException("table cut short");
        }
    }

    /** Sorts chunks by key (unsigned hi, then lo) so index files are sorted and deterministic. */
    /** How many chunks the table held when last sorted (-1: never), so sorting twice costs nothing. */
    private int sortedChunks = -1;

    /**
     * Sorts the chunks by key (the order of an index file). A pack's table is sorted by the thread that
     * makes the pack durable, in the background, so that the commit only checks it is done.
     */
    public void sortChunks() {
        if (sortedChunks == chunks) {
            return;
        }
        sortOnce();
        sortedChunks = chunks;
    }

    private void sortOnce() {
        int[] order = new int[chunks];
        for (int i = 0; i < chunks; i++) {
            order[i] = i;
        }
        // keys flipped to signed order once, so the sort compares plain longs (no boxing, no comparator)
        long[] hi = new long[chunks];
        long[] lo = new long[chunks];
        for (int i = 0; i < chunks; i++) {
            hi[i] = keyHi[i] ^ Long.MIN_VALUE;
            lo[i] = keyLo[i] ^ Long.MIN_VALUE;
        }
        sort(order, hi, lo, 0, chunks - 1);
        long[] nlo = new long[Math.max(1, chunks)];
        long[] nhi = new long[Math.max(1, chunks)];
        int[] fr = new int[Math.max(1, chunks)];
        int[] of = new int[Math.max(1, chunks)];
        int[] ln = new int[Math.max(1, chunks)];
        for (int i = 0; i < chunks; i++) {
            int j = order[i];
            nlo[i] = keyLo[j];
            nhi[i] = keyHi[j];
            fr[i] = chunkFrame[j];
            of[i] = chunkOffset[j];
            ln[i] = chunkLen[j];
        }
        keyLo = nlo;
        keyHi = nhi;
        chunkFrame = fr;
        chunkOffset = of;
        chunkLen = ln;
    }

    private static boolean less(long[] hi, long[] lo, int a, int b) {
        return hi[a] < hi[b] || (hi[a] == hi[b] && lo[a] < lo[b]);
    }

    /** Quicksort of a permutation (keys are hashes, so a middle pivot is as good as any). */
    private static void sort(int[] order, long[] hi, long[] lo, int left, int right) {
        while (left < right) {
            if (right - left < 16) {
                for (int i = left + 1; i <= right; i++) {
                    int x = order[i];
                    int j = i - 1;
                    while (j >= left && less(hi, lo, x, order[j])) {
                        order[j + 1] = order[j];
                        j--;
                    }
                    order[j + 1] = x;
                }
                return;
            }
            int pivot = order[(left + right) >>> 1];
            int i = left;
            int j = right;
            while (i <= j) {
                while (less(hi, lo, order[i], pivot)) {
                    i++;
                }
                while (less(hi, lo, pivot, order[j])) {
                    j--;
                }
                if (i <= j) {
                    int t = order[i];
                    order[i++] = order[j];
                    order[j--] = t;
                }
            }
            if (j - left < right - i) {
                sort(order, hi, lo, left, j);
                left = i;
            } else {
                sort(order, hi, lo, i, right);
                right = j;
            }
        }
    }
}
