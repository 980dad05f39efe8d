package dev.cryo.store.gc;

import dev.cryo.store.ChunkReader;
import dev.cryo.store.ContentStore;
import dev.cryo.store.GcReport;
import dev.cryo.store.SecureFiles;
import dev.cryo.store.StoreErrors;
import dev.cryo.store.StoreException;
import dev.cryo.store.StoreLayout;
import dev.cryo.store.chunk.KeySet;
import dev.cryo.store.index.IndexFile;
import dev.cryo.store.index.MasterIndex;
import dev.cryo.store.manifest.Manifest;
import dev.cryo.store.pack.FrameBuilder;
import dev.cryo.store.pack.FrameCodec;
import dev.cryo.store.pack.PackSink;
import dev.cryo.store.pack.PackTable;
import dev.cryo.store.verify.Verifier;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Mark and sweep, run under the exclusive lock. Mark every chunk named by a manifest; keep packs that are
 * mostly live, copy the live chunks of the others into new packs; write one index for what remains; only
 * then delete the old index files and, last, the packs no index names. A crash at any step leaves either
 * the old index (everything still there) or the new one (everything it names written and fsynced), plus
 * unindexed packs that the next gc deletes.
 */
public final class GarbageCollector {
    /** A pack with less than this fraction of live bytes is rewritten. */
    static final double REWRITE_BELOW = 0.7;

    private GarbageCollector() {}

    public static GcReport collect(StoreLayout layout) throws IOException {
        KeySet live = new KeySet(1 << 16);
        for (String id : ContentStore.manifestIds(layout)) {
            Manifest m;
            try {
                m = ContentStore.readManifest(layout, id);
            } catch (StoreException e) {
                throw new StoreException("gc refused: " + e.getMessage() + " (cannot tell what it references)");
            }
            for (Manifest.Blob b : m.blobs()) {
                long[] k = b.keys();
                for (int i = 0; i < k.length; i += 2) {
                    live.add(k[i], k[i + 1]);
                }
            }
        }
        MasterIndex index;
        try {
            index = MasterIndex.load(layout);
        } catch (StoreException e) {
            throw new StoreException("gc refused: " + e.getMessage());
        }
        cleanTmp(layout);
        Set<String> indexed = new HashSet<>(index.packIds());
        long freed = 0;
        int deleted = 0;
        for (String packId : Verifier.packsOnDisk(layout)) {
            if (!indexed.contains(packId)) {
                freed += delete(layout, packId);
                deleted++;
            }
        }
        // Pass 1: which packs stay as they are. Their live chunks count as kept, so copies elsewhere are dead.
        int n = index.packCount();
        boolean[] keep = new boolean[n];
        boolean changed = index.indexIds().size() > 1;
        KeySet kept = new KeySet(Math.max(16, live.size()));
        Set<String> seenPack = new HashSet<>();
        for (int p = 0; p < n; p++) {
            PackTable t = index.table(p);
            if (!seenPack.add(index.packId(p))) {
                changed = true; // the same pack listed twice: drop the duplicate entry
                continue;
            }
            long total = 0;
            long alive = 0;
            for (int c = 0; c < t.chunks; c++) {
                total += t.chunkLen[c];
                if (live.contains(t.keyLo[c], t.keyHi[c])) {
                    alive += t.chunkLen[c];
                }
            }
            keep[p] = alive > 0 && alive >= REWRITE_BELOW * total;
            if (keep[p]) {
                for (int c = 0; c < t.chunks; c++) {
                    if (live.contains(t.keyLo[c], t.keyHi[c])) {
                        kept.add(t.keyLo[c], t.keyHi[c]);
                    }
                }
            } else {
                changed = true;
            }
        }
        if (!changed) {
            return new GcReport(deleted, 0, freed, live.size());
        }
        // Pass 2: copy live chunks out of the packs that go.
        PackSink sink = new PackSink(layout, 32L << 20);
        int rewritten = 0;
        List<PackSink.Published> fresh;
        try (ChunkReader.Packs packs = new ChunkReader.Packs(layout)) {
            ChunkReader reader = new ChunkReader(layout, index, packs);
            FrameBuilder fb = new FrameBuilder(sink);
            byte[] buf = new byte[FrameCodec.MAX_FRAME];
            for (int p = 0; p < n; p++) {
                if (keep[p]) {
                    continue;
                }
                PackTable t = index.table(p);
                boolean any = false;
                for (int c = 0; c < t.chunks; c++) {
                    long lo = t.keyLo[c];
                    long hi = t.keyHi[c];
                    if (live.contains(lo, hi) && kept.add(lo, hi)) {
                        int len = reader.read(lo, hi, buf, 0);
                        fb.add(lo, hi, buf, 0, len);
                        any = true;
                    }
                }
                if (any) {
                    rewritten++;
                }
            }
            fb.flush();
            fresh = sink.finish();
        } catch (IOException e) {
            sink.abort();
            throw StoreErrors.writing(layout.root(), e);
        }
        List<IndexFile.Entry> entries = new ArrayList<>();
        Set<String> keptIds = new HashSet<>();
        for (int p = 0; p < n; p++) {
            if (keep[p] && keptIds.add(index.packId(p))) {
                entries.add(new IndexFile.Entry(index.packId(p), index.table(p)));
            }
        }
        for (PackSink.Published p : fresh) {
            entries.add(new IndexFile.Entry(p.id(), p.table()));
            keptIds.add(p.id());
            freed -= p.size();
        }
        String newIndex = entries.isEmpty() ? null : IndexFile.writeEntries(layout, entries);
        SecureFiles.writeBackBeforeDeleting();
        for (String old : index.indexIds()) {
            if (!old.equals(newIndex)) {
                Files.deleteIfExists(layout.index(old));
            }
        }
        SecureFiles.syncDirectory(layout.indexDir());
        for (String packId : new HashSet<>(index.packIds())) {
            if (!keptIds.contains(packId)) {
                freed += delete(layout, packId);
                deleted++;
            }
        }
        return new GcReport(deleted, rewritten, freed, live.size());
    }

    private static long delete(StoreLayout layout, String packId) throws IOException {
        Path p = layout.pack(packId);
        long size = Files.exists(p) ? Files.size(p) : 0;
        Files.deleteIfExists(p);
        SecureFiles.syncDirectory(p.getParent());
        return size;
    }

    /** Leftovers of crashed writers; safe because gc holds the store exclusively. */
    private static void cleanTmp(StoreLayout layout) throws IOException {
        try (Stream<Path> s = Files.list(layout.tmpDir())) {
            for (Path p : s.toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
