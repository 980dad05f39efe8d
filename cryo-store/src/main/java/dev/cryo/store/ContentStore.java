package dev.cryo.store;

import dev.cryo.store.gc.GarbageCollector;
import dev.cryo.store.index.MasterIndex;
import dev.cryo.store.pack.PackSink;
import dev.cryo.store.lock.StoreLock;
import dev.cryo.store.manifest.Manifest;
import dev.cryo.store.manifest.ManifestCodec;
import dev.cryo.store.transfer.Exporter;
import dev.cryo.store.transfer.Importer;
import dev.cryo.store.verify.Verifier;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The content-addressed store (design.md §3 "Store internals"): pages cut into 4 KiB chunks keyed by
 * XXH3-128, zero pages dropped, new chunks packed into LZ4 frames in packs, an index per writer, and one
 * manifest per checkpoint naming every chunk. Every checkpoint is logically full.
 */
@SuppressWarnings("try") // try-with-resources on a StoreLock holds the lock for the block; the body never names it
public final class ContentStore implements Store {
    public static final int FORMAT_VERSION = 2;
    private final StoreLayout layout;
    private MasterIndex cachedIndex;
    /** The cached index extended by the last commit, built when next asked for (a command may never ask). */
    private java.util.function.Supplier<MasterIndex> pendingExtension;

    private ContentStore(StoreLayout layout) {
        this.layout = layout;
    }

    public static ContentStore open(Path dir) throws IOException {
        StoreLayout layout = new StoreLayout(dir);
        StoreConfig.openOrCreate(layout, FORMAT_VERSION);
        return new ContentStore(layout);
    }

    StoreLayout layout() {
        return layout;
    }

    @Override
    public Path directory() {
        return layout.root();
    }

    /** The merged index, reloaded when index files were added or removed (by us or another process). */
    synchronized MasterIndex index() throws IOException {
        if (pendingExtension != null) {
            cachedIndex = pendingExtension.get();
            pendingExtension = null;
        }
        List<String> ids = MasterIndex.listIds(layout);
        if (cachedIndex == null || !cachedIndex.indexIds().equals(ids)) {
            cachedIndex = MasterIndex.load(layout);
        }
        return cachedIndex;
    }

    synchronized void invalidateIndex() {
        cachedIndex = null;
        pendingExtension = null;
    }

    /**
     * A writer that started from {@code base} has committed the index file {@code indexId} (null: it wrote
     * none) over {@code packs}: when nothing else changed the cache since, it is extended in memory, so the
     * next checkpoint of a long-lived process does not reload every index file (index() still checks the
     * directory and reloads when another process added or removed one). The extension is built when the
     * index is next needed, not here: a one-shot command (most checkpoints) never needs it, and the commit
     * returns sooner (a 256 MiB checkpoint's chunks took a few ms to insert, before the kill).
     */
    synchronized void committed(MasterIndex base, String indexId, List<PackSink.Published> packs) {
        if (cachedIndex != base || pendingExtension != null) {
            // another writer committed since this one began: reloaded from the files when next needed
            cachedIndex = null;
            pendingExtension = null;
        } else if (indexId != null) {
            pendingExtension = () -> base.with(indexId, packs);
        }
    }

    @Override
    public CheckpointWriter begin() throws IOException {
        return begin(Compression.LZ4);
    }

    @Override
    public CheckpointWriter begin(Compression compression) throws IOException {
        dev.cryo.store.pack.FrameCodec.checkAvailable(compression);
        StoreLock lock = StoreLock.shared(layout);
        try {
            return new ContentCheckpointWriter(this, lock, index(), compression);
        } catch (IOException | RuntimeException e) {
            lock.close();
            throw e;
        }
    }

    @Override
    public CheckpointReader open(String ref) throws IOException {
        String id = resolve(ref);
        StoreLock lock = StoreLock.shared(layout);
        try {
            Manifest m = readManifest(layout, id);
            return new ContentCheckpointReader(layout, lock, info(id, m.created(), m.logicalBytes(), m.addedBytes(),
                    m.labels()), m, index());
        } catch (IOException | RuntimeException e) {
            lock.close();
            throw e;
        }
    }

    /** Full id, unique prefix, or name; manifests with a damaged header still resolve by id. */
    public String resolve(String ref) throws IOException {
        if (ref != null && ref.matches("[0-9a-f]{32}") && Files.exists(layout.manifest(ref))) {
            return ref;
        }
        List<CheckpointInfo> all = new ArrayList<>(list());
        for (String id : manifestIds(layout)) {
            if (all.stream().noneMatch(c -> c.id().equals(id))) {
                all.add(info(id, Instant.EPOCH, 0, 0, Map.of()));
            }
        }
        return RefResolver.resolve(ref, all);
    }

    public static List<String> manifestIds(StoreLayout layout) throws IOException {
        try (Stream<Path> s = Files.list(layout.manifestsDir())) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.matches("[0-9a-f]{32}")).sorted().toList();
        }
    }

    public static Manifest readManifest(StoreLayout layout, String id) throws IOException {
        Path p = layout.manifest(id);
        try {
            return ManifestCodec.decode(Files.readAllBytes(p), id, layout.describe(p));
        } catch (NoSuchFileException e) {
            throw new StoreException("checkpoint '" + id + "': no such checkpoint");
        }
    }

    static CheckpointInfo info(String id, Instant created, long logical, long added, Map<String, String> labels) {
        return new CheckpointInfo(id, created, logical, added, Map.copyOf(labels));
    }

    @Override
    public List<CheckpointInfo> list() throws IOException {
        List<CheckpointInfo> out = new ArrayList<>();
        for (String id : manifestIds(layout)) {
            Path p = layout.manifest(id);
            try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
                ByteBuffer first = ByteBuffer.allocate(16);
                ch.read(first, 0);
                if (first.position() < 16) {
                    continue;
                }
                int end = ManifestCodec.headerEnd(first.flip());
                if (end < 16 || end > ch.size()) {
                    continue;
                }
                ByteBuffer head = ByteBuffer.allocate(end);
                while (head.hasRemaining() && ch.read(head, head.position()) > 0) {
                    // read the whole header
                }
                head.flip();
                ManifestCodec.Header h = ManifestCodec.header(head, layout.describe(p));
                out.add(info(id, h.created(), h.logicalBytes(), h.addedBytes(), h.labels()));
            } catch (StoreException | NoSuchFileException e) {
                // damaged or just removed: verify reports the former, the latter is gone
            }
        }
        out.sort(Comparator.comparing(CheckpointInfo::created).thenComparing(CheckpointInfo::id));
        return out;
    }

    @Override
    public void remove(String id) throws IOException {
        Path p = layout.manifest(id);
        try (StoreLock lock = StoreLock.shared(layout)) {
            if (!Files.deleteIfExists(p)) {
                throw new StoreException("checkpoint '" + id + "': no such checkpoint");
            }
            SecureFiles.syncDirectory(layout.manifestsDir());
        }
    }

    @Override
    public VerifyReport verify(String ref, boolean quick) throws IOException {
        String id = ref == null ? null : resolve(ref);
        try (StoreLock lock = StoreLock.shared(layout)) {
            return Verifier.verify(layout, id, quick);
        }
    }

    @Override
    public GcReport gc() throws IOException {
        try (StoreLock lock = StoreLock.exclusive(layout)) {
            GcReport r = GarbageCollector.collect(layout);
            invalidateIndex();
            return r;
        }
    }

    @Override
    public void export(String ref, OutputStream out) throws IOException {
        String id = resolve(ref);
        try (StoreLock lock = StoreLock.shared(layout)) {
            Exporter.export(layout, index(), id, out);
        }
    }

    @Override
    public CheckpointInfo importFrom(InputStream in) throws IOException {
        try (StoreLock lock = StoreLock.shared(layout)) {
            CheckpointInfo info = Importer.importFrom(layout, index(), in);
            invalidateIndex();
            return info;
        }
    }

    @Override
    public void close() {}
}
