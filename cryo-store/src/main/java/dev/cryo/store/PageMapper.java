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
            long[] usedFrom = new long[packs.length], usedTo = new long[packs.length];
            long[] where = new long[n];     // raw frame: address; compressed frame: -(offset in decoded) - 1
            int[] chunk = new int[n];       // global chunk number, or ZERO
            long t0 = System.nanoTime();
            findAll(keys, chunk);
            long t1 = System.nanoTime();
            Placement place = new Placement(blob, packs, usedFrom, usedTo, where, arena);
            for (int p = 0; p < n; p++) {
                int g = chunk[p];
                if (g == ZERO) continue;
                if (g < 0) throw ChunkReader.notIndexed(layout, keys[2 * p], keys[2 * p + 1]);
                place.page(p, g);
            }
            List<long[]> frames = place.frames;
            long decodedSize = place.decodedSize;
            long t2 = System.nanoTime();
            populate(packs, usedFrom, usedTo);
            long t3 = System.nanoTime();
            if (decodedSize > 0) {
                decoded = NativeBuffer.map(decodedSize);
                decodeAll(frames, packs, decoded);
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

    /**
     * Finds where each page lies (its pack mapped on first use). Per page in a method of its own: called per
     * page, the JIT compiles it within the first few hundred pages, where the body of one long loop would
     * run interpreted in a JVM that lives for one command.
     */
    private final class Placement {
        final Manifest.Blob blob;
        final MemorySegment[] packs;
        final long[] usedFrom, usedTo, where;
        final Arena arena;
        final Map<Long, Long> frameAt = new HashMap<>();
        final List<long[]> frames = new ArrayList<>(); // (pack, frame, offset in decoded)
        long decodedSize;

        Placement(Manifest.Blob blob, MemorySegment[] packs, long[] usedFrom, long[] usedTo, long[] where, Arena arena) {
            this.blob = blob;
            this.packs = packs;
            this.usedFrom = usedFrom;
            this.usedTo = usedTo;
            this.where = where;
            this.arena = arena;
        }

        /** Page {@code p}, chunk {@code g}: raw frame: its address; compressed frame: -(offset in decoded) - 1. */
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
            if (file == null) {
                packs[pack] = file = mapPack(pack, arena);
                usedFrom[pack] = Long.MAX_VALUE;
            }
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

    /** The global chunk number of every page (-1: in no index, {@link #ZERO}: a zero page), on all threads. */
    private void findAll(long[] keys, int[] chunk) throws IOException {
        int n = chunk.length, parts = parallel.parts();
        parallel.run(part -> {
            for (int p = (int) ((long) n * part / parts), to = (int) ((long) n * (part + 1) / parts); p < to; p++) {
                long lo = keys[2 * p], hi = keys[2 * p + 1];
                chunk[p] = lo == 0 && hi == 0 ? ZERO : index.find(lo, hi);
            }
        });
    }

    /**
     * Maps the used part of every pack in one call each, on all threads, instead of a page fault per 16
     * pages while hashing (and reads it from disk if it is not cached).
     */
    private void populate(MemorySegment[] packs, long[] from, long[] to) throws IOException {
        if (!POPULATE) return;
        int parts = parallel.parts();
        parallel.run(part -> {
            for (int p = part; p < packs.length; p += parts) {
                if (packs[p] != null) Populate.read(packs[p].asSlice(from[p], to[p] - from[p]));
            }
        });
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
