package dev.cryo.store;

import dev.cryo.store.chunk.ChunkKey;
import dev.cryo.store.chunk.Xxh3;
import dev.cryo.store.index.MasterIndex;
import dev.cryo.store.pack.FrameCodec;
import dev.cryo.store.pack.PackTable;
import java.io.Closeable;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Fetches chunks by key through the index: read the frame from its pack, decompress it (the last frame is
 * kept, so sequential reads decompress each frame once), check the chunk's hash, copy it out. One instance
 * per thread; the open pack files are shared through {@link Packs}.
 */
public final class ChunkReader {
    /** Open pack files, shared by the readers of one checkpoint or operation. */
    public static final class Packs implements Closeable {
        private final StoreLayout layout;
        private final ConcurrentHashMap<String, FileChannel> open = new ConcurrentHashMap<>();

        public Packs(StoreLayout layout) {
            this.layout = layout;
        }

        FileChannel channel(String packId) throws IOException {
            FileChannel ch = open.get(packId);
            if (ch != null) {
                return ch;
            }
            Path file = layout.pack(packId);
            try {
                ch = FileChannel.open(file, StandardOpenOption.READ);
            } catch (NoSuchFileException e) {
                throw new StoreException(layout.describe(file) + ": missing pack");
            }
            FileChannel prev = open.putIfAbsent(packId, ch);
            if (prev != null) {
                ch.close();
                return prev;
            }
            return ch;
        }

        @Override
        public void close() throws IOException {
            for (FileChannel ch : open.values()) {
                ch.close();
            }
            open.clear();
        }
    }

    private final StoreLayout layout;
    private final MasterIndex index;
    private final Packs packs;
    /** A few decoded frames: a blob's pages alternate between packed and raw frames, and dedup jumps around. */
    private static final int CACHE = 4;
    private byte[] comp = new byte[FrameCodec.maxCompressedLength(FrameCodec.MAX_FRAME)];
    private final byte[][] cacheRaw = new byte[CACHE][];
    private final MemorySegment[] cacheSegment = new MemorySegment[CACHE];
    private final int[] cachePack = {-1, -1, -1, -1};
    private final int[] cacheFrame = {-1, -1, -1, -1};
    private int nextVictim;
    private final long[] hash = new long[2];
    private long bytesRead;

    public ChunkReader(StoreLayout layout, MasterIndex index, Packs packs) {
        this.layout = layout;
        this.index = index;
        this.packs = packs;
    }

    public long bytesRead() {
        return bytesRead;
    }

    /** Copies the chunk {@code (lo, hi)} into {@code dst} at {@code at}; returns its length. */
    public int read(long lo, long hi, byte[] dst, int at) throws IOException {
        return read(lo, hi, MemorySegment.ofArray(dst), at);
    }

    /**
     * Copies the chunk {@code (lo, hi)}, hash-checked, into {@code dst} (heap or native) at {@code at};
     * returns its length.
     */
    public int read(long lo, long hi, MemorySegment dst, long at) throws IOException {
        int g = index.find(lo, hi);
        if (g < 0) {
            throw notIndexed(layout, lo, hi);
        }
        int pack = index.packOf(g);
        PackTable t = index.table(pack);
        int c = index.localOf(g);
        int frame = t.chunkFrame[c];
        int slot = -1;
        for (int i = 0; i < CACHE; i++) {
            if (cachePack[i] == pack && cacheFrame[i] == frame) {
                slot = i;
                break;
            }
        }
        if (slot < 0) {
            slot = nextVictim;
            nextVictim = (nextVictim + 1) % CACHE;
            loadFrame(slot, pack, t, frame);
        }
        MemorySegment raw = cacheSegment[slot];
        int off = t.chunkOffset[c];
        int len = t.chunkLen[c];
        Xxh3.hash128(raw, off, len, hash, 0);
        if (hash[0] != lo || hash[1] != hi) {
            throw new StoreException(layout.describe(layout.pack(index.packId(pack))) + ": damaged pack (chunk "
                    + ChunkKey.hex(lo, hi) + " does not match its hash)");
        }
        MemorySegment.copy(raw, off, dst, at, len);
        bytesRead += len;
        return len;
    }

    /** The error for a chunk a manifest names but no index lists. */
    static StoreException notIndexed(StoreLayout layout, long lo, long hi) {
        return new StoreException("store " + layout.root() + ": chunk " + ChunkKey.hex(lo, hi)
                + " is in no index (store damaged; run cryo verify)");
    }

    private void loadFrame(int slot, int pack, PackTable t, int frame) throws IOException {
        cachePack[slot] = -1;
        String packId = index.packId(pack);
        String what = layout.describe(layout.pack(packId));
        int compLen = t.frameCompLen[frame];
        int rawLen = t.frameRawLen[frame];
        if (compLen > comp.length) {
            comp = new byte[compLen];
        }
        if (cacheRaw[slot] == null || rawLen > cacheRaw[slot].length) {
            cacheRaw[slot] = new byte[Math.max(rawLen, FrameCodec.MAX_FRAME)];
            cacheSegment[slot] = MemorySegment.ofArray(cacheRaw[slot]);
        }
        byte[] raw = cacheRaw[slot];
        FileChannel ch = packs.channel(packId);
        // a raw frame is read where it will be used; a compressed one first into comp
        boolean stored = t.frameCodec[frame] == FrameCodec.RAW;
        if (stored && compLen != rawLen) {
            throw new StoreException(what + ": damaged pack (raw frame of " + compLen + " bytes, expected " + rawLen + ")");
        }
        ByteBuffer buf = ByteBuffer.wrap(stored ? raw : comp, 0, compLen);
        long pos = t.frameOffset[frame];
        while (buf.hasRemaining()) {
            int n = ch.read(buf, pos);
            if (n < 0) {
                throw new StoreException(what + ": damaged pack (truncated at frame offset " + t.frameOffset[frame] + ")");
            }
            pos += n;
        }
        try {
            if (!stored) {
                FrameCodec.decode(t.frameCodec[frame], comp, compLen, raw, rawLen);
            }
        } catch (IllegalArgumentException e) {
            throw new StoreException(what + ": damaged pack (frame at offset " + t.frameOffset[frame] + ": "
                    + e.getMessage() + ")");
        }
        cachePack[slot] = pack;
        cacheFrame[slot] = frame;
    }
}
