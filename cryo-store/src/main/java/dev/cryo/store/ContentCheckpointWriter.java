package dev.cryo.store;

import dev.cryo.store.index.IndexFile;
import dev.cryo.store.index.MasterIndex;
import dev.cryo.store.lock.StoreLock;
import dev.cryo.store.manifest.Manifest;
import dev.cryo.store.manifest.ManifestCodec;
import dev.cryo.store.pack.PackSink;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One checkpoint being written: blobs through the {@link ChunkPipeline}, then packs -> index -> manifest. */
final class ContentCheckpointWriter implements CheckpointWriter {
    static final long PACK_TARGET = 32L << 20;
    private static final boolean TRACE = Boolean.getBoolean("cryo.store.trace");

    private final ContentStore store;
    private final StoreLayout layout;
    private final StoreLock lock;
    private final PackSink sink;
    private final ChunkPipeline pipeline;
    private final List<PageBlobWriter> blobs = new ArrayList<>();
    private boolean finished;

    ContentCheckpointWriter(ContentStore store, StoreLock lock, MasterIndex index) {
        this.store = store;
        this.layout = store.layout();
        this.lock = lock;
        this.sink = new PackSink(layout, PACK_TARGET);
        this.pipeline = new ChunkPipeline(index, sink, ChunkPipeline.defaultThreads());
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
        pipeline.blobOpened();
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
        long added = 0;
        for (PackSink.Published p : packs) {
            added += p.size();
        }
        if (!packs.isEmpty()) {
            IndexFile.write(layout, packs);
        }
        Manifest stored = verbatim != null ? m
                : new Manifest(m.created(), m.logicalBytes(), added, m.labels(), m.metadata(), m.blobs());
        ManifestCodec.Encoded enc = verbatim != null ? verbatim : ManifestCodec.encode(stored);
        SecureFiles.writeAtomically(layout, layout.manifest(enc.id()), enc.bytes());
        finished = true;
        pipeline.shutdown();
        lock.close();
        store.invalidateIndex();
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
     * Cuts a blob into batches of pages and keeps one key segment per batch. Pages appended by reference
     * ({@link #append}) do not go through the pipeline: {@code pieces} then records how the blob
     * interleaves written pages (in pipeline order) with referenced keys.
     */
    private final class PageBlobWriter implements BlobWriter {
        final String name;
        final List<long[]> segments = new ArrayList<>();
        ChunkPipeline.Batch current;
        long size;
        /** Bytes that went through the pipeline (equal to size unless pages were appended by reference). */
        long dataSize;
        /** Null until the first append by reference; then every page of the blob in order. */
        List<Piece> pieces;

        /** Pages of the blob: {@code count} written pages from pipeline page {@code from}, or referenced keys. */
        private record Piece(long[] keys, int from, int count) {}

        PageBlobWriter(String name) {
            this.name = name;
        }

        @Override
        public void write(ByteBuffer src) throws IOException {
            try {
                while (src.hasRemaining()) {
                    if (current == null) {
                        current = pipeline.takeBatch();
                    }
                    int n = Math.min(src.remaining(), ChunkPipeline.BATCH - current.len);
                    src.get(current.data, current.len, n);
                    current.len += n;
                    if (pieces != null) {
                        addPiece(null, (int) (dataSize / ChunkPipeline.PAGE), (n + ChunkPipeline.PAGE - 1) / ChunkPipeline.PAGE);
                    }
                    size += n;
                    dataSize += n;
                    if (current.len == ChunkPipeline.BATCH) {
                        submit();
                    }
                }
            } catch (IOException e) {
                throw StoreErrors.writing(layout.root(), e);
            }
        }

        @Override
        public void append(BlobReader source, long offset, long length) throws IOException {
            if (!(source instanceof ContentCheckpointReader.PageBlobReader from) || !from.layout().equals(layout)) {
                BlobWriter.super.append(source, offset, length);
                return;
            }
            int page = ChunkPipeline.PAGE;
            if (size % page != 0 || offset % page != 0 || length % page != 0 || offset + length > from.size()) {
                throw new IllegalArgumentException("append of [" + offset + ", " + (offset + length) + ") of a blob of "
                        + from.size() + " bytes at " + size + ": not page-aligned or past its end");
            }
            if (pieces == null) {
                pieces = new ArrayList<>();
                if (dataSize > 0) {
                    pieces.add(new Piece(null, 0, (int) (dataSize / page)));
                }
            }
            addPiece(from.keys(), (int) (offset / page), (int) (length / page));
            size += length;
        }

        private void addPiece(long[] keys, int from, int count) {
            if (count == 0) {
                return;
            }
            if (!pieces.isEmpty()) {
                Piece last = pieces.getLast();
                if (last.keys == keys && last.from + last.count == from) {
                    pieces.set(pieces.size() - 1, new Piece(keys, last.from, last.count + count));
                    return;
                }
            }
            pieces.add(new Piece(keys, from, count));
        }

        private void submit() throws IOException {
            long[] seg = new long[2 * ChunkPipeline.BATCH_PAGES];
            segments.add(seg);
            ChunkPipeline.Batch b = current;
            current = null;
            pipeline.submit(b, seg);
        }

        void finish() throws IOException {
            if (current != null) {
                if (current.len > 0) {
                    submit();
                } else {
                    pipeline.giveBack(current);
                    current = null;
                }
            }
        }

        long[] keys() {
            long[] data = dataKeys();
            if (pieces == null) {
                return data;
            }
            long[] out = new long[2 * Math.toIntExact((size + ChunkPipeline.PAGE - 1) / ChunkPipeline.PAGE)];
            int at = 0;
            for (Piece p : pieces) {
                System.arraycopy(p.keys != null ? p.keys : data, 2 * p.from, out, at, 2 * p.count);
                at += 2 * p.count;
            }
            return out;
        }

        /** Keys of the pages that went through the pipeline, in order. */
        private long[] dataKeys() {
            int pages = Math.toIntExact((dataSize + ChunkPipeline.PAGE - 1) / ChunkPipeline.PAGE);
            long[] out = new long[2 * pages];
            int at = 0;
            for (long[] seg : segments) {
                int n = Math.min(seg.length, out.length - at);
                System.arraycopy(seg, 0, out, at, n);
                at += n;
            }
            return out;
        }

        @Override
        public long size() {
            return size;
        }
    }
}
