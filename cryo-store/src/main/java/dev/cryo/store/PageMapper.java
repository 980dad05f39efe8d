package dev.cryo.store;

import dev.cryo.linux.mem.NativeBuffer;
import dev.cryo.linux.mem.Populate;
import dev.cryo.store.chunk.ChunkKey;
import dev.cryo.store.chunk.Xxh3;
import dev.cryo.store.index.MasterIndex;
import dev.cryo.store.manifest.Manifest;
import dev.cryo.store.pack.FrameCodec;
import dev.cryo.store.pack.PackFormat;
import dev.cryo.store.pack.PackTable;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds a {@link PageMap}: every pack the blob uses is mapped (read-only), compressed frames are decoded
 * once each into one native buffer, and every distinct chunk is hashed where it lies, all before the map
 * is handed out. A chunk whose bytes do not match its key, a frame past the end of its pack (truncated)
 * or one that does not decode is refused naming the pack. Decoding and hashing run on {@code parallel}.
 */
final class PageMapper {
    private static final int PAGE = dev.cryo.store.chunk.ZeroPages.PAGE;

    /** Runs {@code task(part)} for part in [0, parts), on several threads, and waits for all. */
    interface Parallel {
        int parts();

        void run(PartTask task) throws IOException;
    }

    @FunctionalInterface
    interface PartTask {
        void run(int part) throws IOException;
    }

    private final StoreLayout layout;
    private final MasterIndex index;
    private final String checkpointId;
    private final Parallel parallel;

    PageMapper(StoreLayout layout, MasterIndex index, String checkpointId, Parallel parallel) {
        this.layout = layout;
        this.index = index;
        this.checkpointId = checkpointId;
        this.parallel = parallel;
    }

    PageMap map(Manifest.Blob blob) throws IOException {
        long size = blob.size();
        int n = Math.toIntExact((size + PAGE - 1) / PAGE);
        long[] keys = blob.keys();
        Arena arena = Arena.ofShared();
        NativeBuffer decoded = null;
        try {
            MemorySegment[] packs = new MemorySegment[index.packCount()];
            long[] where = new long[n];     // raw frame: address; compressed frame: -(offset in decoded) - 1
            int[] chunk = new int[n];       // global chunk number, or ZERO
            long t0 = System.nanoTime();
            findAll(keys, chunk);
            long t1 = System.nanoTime();
            mapUsed(keys, chunk, packs, arena);
            Walk[] walks = new Walk[parallel.parts()];
            parallel.run(part -> {
                Walk w = walks[part] = new Walk(blob, packs, where);
                for (int p = (int) ((long) n * part / walks.length), to = (int) ((long) n * (part + 1) / walks.length); p < to; p++) {
                    if (chunk[p] != ZERO) w.page(p, chunk[p]);
                }
            });
            long[] usedFrom = new long[packs.length], usedTo = new long[packs.length];
            java.util.Arrays.fill(usedFrom, Long.MAX_VALUE);
            Frames compressed = new Frames();
            for (Walk w : walks) {
                for (int i = 0; i < packs.length; i++) {
                    usedFrom[i] = Math.min(usedFrom[i], w.usedFrom[i]);
                    usedTo[i] = Math.max(usedTo[i], w.usedTo[i]);
                }
                for (int i = 0; i < w.compressedCount; i++) compressed.page(w.compressed[i], chunk[w.compressed[i]], where);
            }
            long t2 = System.nanoTime();
            populate(packs, usedFrom, usedTo);
            long t3 = System.nanoTime();
            if (compressed.decodedSize > 0) {
                decoded = NativeBuffer.map(compressed.decodedSize);
                decodeAll(compressed.frames, packs, decoded);
                for (int p = 0; p < n; p++) {
                    if (where[p] < 0) where[p] = decoded.address() + (-where[p] - 1);
                }
            }
            long t4 = System.nanoTime();
            checkAll(blob, where, chunk);
            long t5 = System.nanoTime();
            if (TRACE) System.err.printf("cryo-store: map %d pages: find %.1f ms, walk %.1f, populate %.1f, decode %.1f, check %.1f%n",
                    n, (t1 - t0) / 1e6, (t2 - t1) / 1e6, (t3 - t2) / 1e6, (t4 - t3) / 1e6, (t5 - t4) / 1e6);
            return new PageMap(size, where, arena, decoded);
        } catch (IOException | RuntimeException e) {
            arena.close();
            if (decoded != null) decoded.close();
            throw e;
        }
    }

    private static final int ZERO = -2;

    /** Maps every pack the pages use (checked); refuses a page whose chunk is in no index, naming it. */
    private void mapUsed(long[] keys, int[] chunk, MemorySegment[] packs, Arena arena) throws IOException {
        for (int p = 0; p < chunk.length; p++) {
            int g = chunk[p];
            if (g == ZERO) continue;
            if (g < 0) throw ChunkReader.notIndexed(layout, keys[2 * p], keys[2 * p + 1]);
            int pack = index.packOf(g);
            if (packs[pack] == null) packs[pack] = mapPack(pack, arena);
        }
    }

    /**
     * One thread's part of the walk: where each page of raw frames lies, which part of each pack its pages
     * use, and which of its pages lie in compressed frames (placed by {@link Frames} afterwards). Per page in
     * a method of its own: called per page, the JIT compiles it within the first few hundred pages, where the
     * body of one long loop would run interpreted in a JVM that lives for one command.
     */
    private final class Walk {
        final Manifest.Blob blob;
        final MemorySegment[] packs;
        final long[] where, usedFrom, usedTo;
        int[] compressed = new int[16];
        int compressedCount;

        Walk(Manifest.Blob blob, MemorySegment[] packs, long[] where) {
            this.blob = blob;
            this.packs = packs;
            this.where = where;
            this.usedFrom = new long[packs.length];
            this.usedTo = new long[packs.length];
            java.util.Arrays.fill(usedFrom, Long.MAX_VALUE);
        }

        /** Page {@code p}, chunk {@code g}: a raw frame's page gets its address; a compressed one is listed. */
        void page(int p, int g) throws IOException {
            int pack = index.packOf(g);
            PackTable t = index.table(pack);
            int c = index.localOf(g);
            int frame = t.chunkFrame[c];
            long expected = Math.min(PAGE, blob.size() - (long) p * PAGE);
            if (t.chunkLen[c] != expected) {
                throw new StoreException("checkpoint " + checkpointId + ": blob '" + blob.name() + "' page " + p
                        + " has " + t.chunkLen[c] + " bytes, expected " + expected);
            }
            MemorySegment file = packs[pack];
            long end = t.frameOffset[frame] + t.frameCompLen[frame];
            usedFrom[pack] = Math.min(usedFrom[pack], t.frameOffset[frame]);
            usedTo[pack] = Math.max(usedTo[pack], end);
            if (end > file.byteSize()) {
                throw new StoreException(describe(pack) + ": damaged pack (truncated at frame offset "
                        + t.frameOffset[frame] + ")");
            }
            if (t.frameCodec[frame] == FrameCodec.RAW) {
                if (t.frameCompLen[frame] != t.frameRawLen[frame]) {
                    throw new StoreException(describe(pack) + ": damaged pack (raw frame of "
                            + t.frameCompLen[frame] + " bytes, expected " + t.frameRawLen[frame] + ")");
                }
                where[p] = file.address() + t.frameOffset[frame] + t.chunkOffset[c];
                return;
            }
            if (compressedCount == compressed.length) compressed = java.util.Arrays.copyOf(compressed, compressedCount * 2);
            compressed[compressedCount++] = p;
        }
    }

    /** The compressed frames the pages use, each given a place in the decode buffer once. */
    private final class Frames {
        final Map<Long, Long> frameAt = new HashMap<>();
        final List<long[]> frames = new ArrayList<>(); // (pack, frame, offset in decoded)
        long decodedSize;

        /** Page {@code p} (chunk {@code g}) of a compressed frame: where = -(offset in decoded) - 1. */
        void page(int p, int g, long[] where) {
            int pack = index.packOf(g);
            PackTable t = index.table(pack);
            int c = index.localOf(g);
            int frame = t.chunkFrame[c];
            long key = (long) pack << 32 | frame;
            Long at = frameAt.get(key);
            if (at == null) {
                at = decodedSize;
                frameAt.put(key, at);
                frames.add(new long[] {pack, frame, at});
                decodedSize += (t.frameRawLen[frame] + 63) & -64;
            }
            where[p] = -(at + t.chunkOffset[c]) - 1;
        }
    }

    /** -Dcryo.store.trace=true: where a map's time goes, on stderr (as the index writer's trace). */
    private static final boolean TRACE = Boolean.getBoolean("cryo.store.trace");

    /**
     * The global chunk number of every page (-1: in no index, {@link #ZERO}: a zero page), on all threads.
     * The chunk after the previous page's is tried first: a checkpoint's new pages were stored in order, so
     * most lookups are one compare next to the last one instead of a walk of the hash table (cache misses).
     */
    private void findAll(long[] keys, int[] chunk) throws IOException {
        int n = chunk.length, parts = parallel.parts();
        parallel.run(part -> {
            int last = -1;
            for (int p = (int) ((long) n * part / parts), to = (int) ((long) n * (part + 1) / parts); p < to; p++) {
                long lo = keys[2 * p], hi = keys[2 * p + 1];
                if (lo == 0 && hi == 0) {
                    chunk[p] = ZERO;
                    continue;
                }
                int g = last >= 0 && index.is(last + 1, lo, hi) ? last + 1 : index.find(lo, hi);
                chunk[p] = g;
                last = g;
            }
        });
    }

    /**
     * Starts reading the used part of every pack from disk, where it is not cached, in one request each
     * (MADV_WILLNEED). The pages are mapped by the hash check's own page faults (16 at a time, on every
     * thread): cheaper than mapping them all first with MADV_POPULATE_READ (2.6 against 1.2 ms of CPU per
     * 32 MiB pack, measured on kernel 6.18), which maps page by page.
     */
    private void populate(MemorySegment[] packs, long[] from, long[] to) {
        if (!POPULATE) return;
        for (int p = 0; p < packs.length; p++) {
            if (packs[p] != null) Populate.readAhead(packs[p].asSlice(from[p], to[p] - from[p]));
        }
    }

    private static final boolean POPULATE = !Boolean.getBoolean("cryo.nopopulate");

    private MemorySegment mapPack(int pack, Arena arena) throws IOException {
        Path file = layout.pack(index.packId(pack));
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            MemorySegment m = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size(), arena);
            PackFormat.checkMapped(m, index.packId(pack), layout.describe(file));
            return m;
        } catch (NoSuchFileException e) {
            throw new StoreException(layout.describe(file) + ": missing pack");
        }
    }

    private String describe(int pack) {
        return layout.describe(layout.pack(index.packId(pack)));
    }

    private void decodeAll(List<long[]> frames, MemorySegment[] packs, NativeBuffer decoded)
            throws IOException {
        int parts = parallel.parts();
        parallel.run(part -> {
            for (int i = part; i < frames.size(); i += parts) {
                long[] f = frames.get(i);
                int pack = (int) f[0], frame = (int) f[1];
                PackTable t = index.table(pack);
                MemorySegment src = packs[pack].asSlice(t.frameOffset[frame], t.frameCompLen[frame]);
                try {
                    FrameCodec.decode(t.frameCodec[frame], src, decoded.segment().asSlice(f[2], t.frameRawLen[frame]));
                } catch (IllegalArgumentException e) {
                    throw new StoreException(describe(pack) + ": damaged pack (frame at offset " + t.frameOffset[frame]
                            + ": " + e.getMessage() + ")");
                }
            }
        });
    }

    /** Hashes every distinct chunk once, where it lies; pages are split in contiguous parts, one per thread. */
    private void checkAll(Manifest.Blob blob, long[] where, int[] chunk)
            throws IOException {
        int n = where.length, parts = parallel.parts();
        byte[] seen = new byte[index.size()]; // a race only hashes a chunk twice
        long[] keys = blob.keys();
        parallel.run(part -> {
            long[] hash = new long[2];
            int from = (int) ((long) n * part / parts), to = (int) ((long) n * (part + 1) / parts);
            for (int p = from; p < to; p++) {
                int g = chunk[p];
                if (g == ZERO || seen[g] != 0) continue;
                int len = (int) Math.min(PAGE, blob.size() - (long) p * PAGE);
                Xxh3.hash128(where[p], len, hash, 0); // inside a mapping or the decode buffer, held until close

                if (hash[0] != keys[2 * p] || hash[1] != keys[2 * p + 1]) {
                    throw new StoreException(describe(index.packOf(g)) + ": damaged pack (chunk "
                            + ChunkKey.hex(keys[2 * p], keys[2 * p + 1]) + " does not match its hash)");
                }
                seen[g] = 1;
            }
        });
    }
}
