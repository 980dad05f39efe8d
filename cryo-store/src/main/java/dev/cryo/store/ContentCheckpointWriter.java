package dev.cryo.store;

import dev.cryo.store.index.IndexFile;
import dev.cryo.store.index.MasterIndex;
import dev.cryo.store.lock.StoreLock;
import dev.cryo.store.manifest.Manifest;
import dev.cryo.store.manifest.ManifestCodec;
import dev.cryo.store.pack.PackSink;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/** One checkpoint being written: blobs through the {@link ChunkPipeline}, then packs -> index -> manifest. */
final class ContentCheckpointWriter implements CheckpointWriter {
    static final long PACK_TARGET = 32L << 20;
    private static final boolean TRACE = Boolean.getBoolean("cryo.store.trace");

    private final ContentStore store;
    private final StoreLayout layout;
    private final StoreLock lock;
    private final PackSink sink;
    private final ChunkPipeline pipeline;
    private final MasterIndex index;
    private final List<PageBlobWriter> blobs = new ArrayList<>();
    private boolean finished;

    ContentCheckpointWriter(ContentStore store, StoreLock lock, MasterIndex index, Compression compression) {
        this.store = store;
        this.layout = store.layout();
        this.lock = lock;
        this.index = index;
        this.sink = new PackSink(layout, PACK_TARGET);
        this.pipeline = new ChunkPipeline(index, sink, ChunkPipeline.defaultThreads(), compression);
    }

    ChunkPipeline pipeline() {
        return pipeline;
    }

    @Override
    public synchronized BlobWriter blob(String name) throws IOException {
        if (finished) {
            throw new IllegalStateException("checkpoint writer already closed");
        }
        for (PageBlobWriter b : blobs) {
            if (b.name.equals(name)) {
                throw new StoreException("blob '" + name + "': already written in this checkpoint");
            }
        }
        PageBlobWriter b = new PageBlobWriter(name);
        blobs.add(b);
        return b;
    }

    @Override
    public synchronized CheckpointInfo commit(byte[] metadata, Map<String, String> labels) throws IOException {
        if (finished) {
            throw new IllegalStateException("checkpoint writer already closed");
        }
        List<Manifest.Blob> entries = new ArrayList<>();
        try {
            long logical = 0;
            long t0 = System.nanoTime();
            for (PageBlobWriter b : blobs) {
                b.finish();
            }
            pipeline.drain();
            if (TRACE) {
                System.err.printf("cryo-store: drain %.3f s%n", (System.nanoTime() - t0) / 1e9);
            }
            for (PageBlobWriter b : blobs) {
                entries.add(new Manifest.Blob(b.name, b.size, b.keys()));
                logical += b.size;
            }
            Manifest m = new Manifest(Instant.now(), logical, 0, new LinkedHashMap<>(labels), metadata.clone(), entries);
            return publish(m, null);
        } catch (IOException e) {
            abort();
            throw StoreErrors.writing(layout.root(), e);
        } catch (RuntimeException e) {
            abort();
            throw e;
        }
    }

    /**
     * Packs -> index -> manifest; the manifest is written last so a crash never shows a partial checkpoint.
     * {@code verbatim} (import) keeps an existing manifest's bytes, and so its id.
     */
    CheckpointInfo publish(Manifest m, ManifestCodec.Encoded verbatim) throws IOException {
        long t0 = System.nanoTime();
        List<PackSink.Published> packs = sink.finish();
        if (TRACE) {
            System.err.printf("cryo-store: packs durable %.3f s%n", (System.nanoTime() - t0) / 1e9);
        }
        long tPacks = System.nanoTime();
        long added = 0;
        for (PackSink.Published p : packs) {
            added += p.size();
        }
        // the index is written (and made durable) on another thread while the manifest is encoded and its
        // temporary file synced here; the manifest is renamed into place only once the index is durable
        CompletableFuture<String> indexFile = packs.isEmpty() ? CompletableFuture.completedFuture(null)
                : CompletableFuture.supplyAsync(() -> {
                    try {
                        return IndexFile.write(layout, packs);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }, r -> Thread.ofPlatform().name("cryo-index-writer").start(r));
        Manifest stored = verbatim != null ? m
                : new Manifest(m.created(), m.logicalBytes(), added, m.labels(), m.metadata(), m.blobs());
        ManifestCodec.Encoded enc = verbatim != null ? verbatim : ManifestCodec.encode(stored);
        Path target = layout.manifest(enc.id());
        Path tmp = null;
        try {
            tmp = SecureFiles.writeTemp(layout, target, enc.bytes());
            long t1 = System.nanoTime();
            indexFile.join();
            if (TRACE) {
                System.err.printf("cryo-store: manifest written %.3f s, then waited %.3f s for the index (%d packs)%n",
                        (t1 - tPacks) / 1e9, (System.nanoTime() - t1) / 1e9, packs.size());
            }
        } catch (CompletionException e) {
            SecureFiles.deleteQuietly(tmp);
            if (e.getCause() instanceof UncheckedIOException u) {
                throw u.getCause();
            }
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IOException(e.getCause());
        } finally {
            if (tmp == null) {
                indexFile.exceptionally(e -> null).join(); // the manifest failed: let the index finish before cleaning up
            }
        }
        SecureFiles.publishWritten(tmp, target);
        finished = true;
        pipeline.shutdown();
        lock.close();
        store.committed(index, indexFile.join(), packs);
        return ContentStore.info(enc.id(), stored.created(), stored.logicalBytes(), stored.addedBytes(), stored.labels());
    }

    PackSink sink() {
        return sink;
    }

    void abort() throws IOException {
        if (finished) {
            return;
        }
        finished = true;
        pipeline.quiesce();
        pipeline.shutdown();
        sink.abort();
        lock.close();
    }

    @Override
    public synchronized void close() throws IOException {
        abort();
    }

    /**
     * Cuts a blob into pages, processed in place; keeps two longs of key per page. A write that does not end
     * on a page boundary leaves its tail in a one-page carry buffer that the next write completes.
     */
    private final class PageBlobWriter implements BlobWriter {
        final String name;
        private long[] keys = new long[2 * 1024];
        private final byte[] carry = new byte[ChunkPipeline.PAGE];
        private final MemorySegment carrySegment = MemorySegment.ofArray(carry);
        private int carried;
        private int pages;
        long size;

        PageBlobWriter(String name) {
            this.name = name;
        }

        @Override
        public synchronized void write(ByteBuffer src) throws IOException {
            try {
                int n = src.remaining();
                MemorySegment seg = MemorySegment.ofBuffer(src);
                long at = 0;
                if (carried > 0) {
                    int take = Math.min(n, ChunkPipeline.PAGE - carried);
                    MemorySegment.copy(seg, 0, carrySegment, carried, take);
                    carried += take;
                    at = take;
                    if (carried == ChunkPipeline.PAGE) {
                        chunk(carrySegment, ChunkPipeline.PAGE);
                        carried = 0;
                    }
                }
                long whole = (n - at) / ChunkPipeline.PAGE * ChunkPipeline.PAGE;
                if (whole > 0) {
                    chunk(seg.asSlice(at, whole), whole);
                    at += whole;
                }
                if (at < n) {
                    MemorySegment.copy(seg, at, carrySegment, carried, n - at);
                    carried += (int) (n - at);
                }
                size += n;
                src.position(src.limit());
            } catch (IOException e) {
                throw StoreErrors.writing(layout.root(), e);
            }
        }

        /**
         * Pages of another committed blob of this store, referred to by their keys: nothing is read, hashed or
         * written again (how an incremental checkpoint is logically full and physically small).
         */
        @Override
        public synchronized void append(BlobReader source, long offset, long length) throws IOException {
            if (!(source instanceof ContentCheckpointReader.PageBlobReader from) || !from.layout().equals(layout)) {
                BlobWriter.super.append(source, offset, length);
                return;
            }
            int page = ChunkPipeline.PAGE;
            if (carried != 0 || offset % page != 0 || length % page != 0 || offset + length > from.size()) {
                throw new IllegalArgumentException("append of [" + offset + ", " + (offset + length) + ") of a blob of "
                        + from.size() + " bytes at " + size + ": not page-aligned or past its end");
            }
            int more = (int) (length / page);
            ensureKeys(more);
            System.arraycopy(from.keys(), (int) (2 * (offset / page)), keys, 2 * pages, 2 * more);
            pages += more;
            size += length;
        }

        private void ensureKeys(int more) {
            if (2L * (pages + more) > keys.length) {
                keys = java.util.Arrays.copyOf(keys, Math.max(keys.length * 2, 2 * (pages + more)));
            }
        }

        private void chunk(MemorySegment seg, long len) throws IOException {
            int more = (int) ((len + ChunkPipeline.PAGE - 1) / ChunkPipeline.PAGE);
            ensureKeys(more);
            pipeline.process(seg, len, keys, 2 * pages);
            pages += more;
        }

        synchronized void finish() throws IOException {
            if (carried > 0) {
                chunk(carrySegment, carried);
                carried = 0;
            }
        }

        synchronized long[] keys() {
            return java.util.Arrays.copyOf(keys, 2 * pages);
        }

        @Override
        public synchronized long size() {
            return size;
        }
    }
}
