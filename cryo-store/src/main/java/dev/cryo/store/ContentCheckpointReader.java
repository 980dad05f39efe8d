package dev.cryo.store;

import dev.cryo.store.chunk.ZeroPages;
import dev.cryo.store.index.MasterIndex;
import dev.cryo.store.lock.StoreLock;
import dev.cryo.store.manifest.Manifest;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/** An open checkpoint: holds the store shared (so gc waits) and reads pages through the index. */
final class ContentCheckpointReader implements CheckpointReader {
    private static final int PAGE = ZeroPages.PAGE;
    private final StoreLayout layout;
    private final StoreLock lock;
    private final CheckpointInfo info;
    private final Manifest manifest;
    private final MasterIndex index;
    private final ChunkReader.Packs packs;
    private java.util.concurrent.ExecutorService helpers;

    ContentCheckpointReader(StoreLayout layout, StoreLock lock, CheckpointInfo info, Manifest manifest,
            MasterIndex index) {
        this.layout = layout;
        this.lock = lock;
        this.info = info;
        this.manifest = manifest;
        this.index = index;
        this.packs = new ChunkReader.Packs(layout);
    }

    @Override
    public CheckpointInfo info() {
        return info;
    }

    @Override
    public byte[] metadata() {
        return manifest.metadata().clone();
    }

    @Override
    public BlobReader blob(String name) throws IOException {
        Manifest.Blob b = manifest.blob(name);
        if (b == null) {
            throw new StoreException("checkpoint " + info.id() + ": no blob '" + name + "'");
        }
        return new PageBlobReader(b, new ChunkReader(layout, index, packs));
    }

    /** Part of a large read done on a helper thread with its own chunk reader (own frame cache). */
    private Void readPart(PageBlobReader whole, long offset, ByteBuffer dst) throws IOException {
        new PageBlobReader(whole.blob, new ChunkReader(layout, index, packs)).readSerial(offset, dst);
        return null;
    }

    /** Threads that help with large reads (restore reads whole areas at once); started on first need. */
    private synchronized java.util.concurrent.ExecutorService helpers() {
        if (helpers == null) {
            helpers = java.util.concurrent.Executors.newFixedThreadPool(PARALLEL - 1, r -> {
                Thread t = new Thread(r, "cryo-store-reader");
                t.setDaemon(true);
                return t;
            });
        }
        return helpers;
    }

    /** Runs {@code task} for every part in [0, PARALLEL): part 0 on the caller's thread, the others on helpers. */
    private void runParts(PageMapper.PartTask task) throws IOException {
        List<Future<Void>> futures = new ArrayList<>();
        for (int part = 1; part < PARALLEL; part++) {
            int p = part;
            futures.add(helpers().submit(() -> {
                task.run(p);
                return null;
            }));
        }
        Exception first = null;
        try {
            task.run(0);
        } catch (IOException | RuntimeException e) {
            first = e;
        }
        // all parts are waited for even after a failure: they may use memory the caller frees when we return
        IOException failure = await(futures, first instanceof IOException io ? io : null);
        if (first instanceof RuntimeException e) {
            throw e;
        }
        if (failure != null) {
            throw failure;
        }
    }

    /** Waits for every future; returns the first failure (the given one, else the first of theirs). */
    private static IOException await(List<Future<Void>> futures, IOException failure) throws IOException {
        for (Future<Void> f : futures) {
            try {
                f.get();
            } catch (ExecutionException e) {
                if (failure == null) {
                    failure = e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("interrupted while reading");
            }
        }
        return failure;
    }

    private static final int PARALLEL = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
    private static final int PARALLEL_MIN = 4 << 20;

    @Override
    public void close() throws IOException {
        synchronized (this) {
            if (helpers != null) {
                helpers.shutdownNow();
            }
        }
        try {
            packs.close();
        } finally {
            lock.close();
        }
    }

    final class PageBlobReader implements BlobReader {
        private final Manifest.Blob blob;
        private final ChunkReader chunks;
        private final byte[] page = new byte[PAGE];

        PageBlobReader(Manifest.Blob blob, ChunkReader chunks) {
            this.blob = blob;
            this.chunks = chunks;
        }

        @Override
        public long size() {
            return blob.size();
        }

        /** Chunk keys, two longs per page; a writer refers to them to append pages without reading. */
        long[] keys() {
            return blob.keys();
        }

        StoreLayout layout() {
            return layout;
        }

        @Override
        public PageMap map() throws IOException {
            return new PageMapper(layout, index, info.id(), new PageMapper.Parallel() {
                @Override
                public int parts() {
                    return PARALLEL;
                }

                @Override
                public void run(PageMapper.PartTask task) throws IOException {
                    runParts(task);
                }
            }).map(blob);
        }

        @Override
        public void read(long offset, ByteBuffer dst) throws IOException {
            int total = dst.remaining();
            if (PARALLEL == 1 || total < PARALLEL_MIN) {
                readSerial(offset, dst);
                return;
            }
            // Split at page boundaries; the caller's thread takes the first part.
            int part = (total / PARALLEL + PAGE - 1) / PAGE * PAGE;
            int start = dst.position();
            java.util.List<java.util.concurrent.Future<Void>> futures = new java.util.ArrayList<>();
            for (int at = part; at < total; at += part) {
                ByteBuffer slice = dst.slice(start + at, Math.min(part, total - at));
                long off = offset + at;
                futures.add(helpers().submit(() -> readPart(this, off, slice)));
            }
            IOException failure = null;
            try {
                readSerial(offset, dst.slice(start, Math.min(part, total)));
            } catch (IOException e) {
                failure = e;
            }
            failure = await(futures, failure);
            if (failure != null) {
                throw failure;
            }
            dst.position(start + total);
        }

        /** Reads pages straight into {@code dst} (each chunk hash-checked on the way). */
        synchronized void readSerial(long offset, ByteBuffer dst) throws IOException {
            long end = offset + dst.remaining();
            if (offset < 0 || end > blob.size()) {
                throw new StoreException("blob '" + blob.name() + "': read of [" + offset + ", " + end
                        + ") past its end (" + blob.size() + ")");
            }
            MemorySegment out = MemorySegment.ofBuffer(dst);
            long[] keys = blob.keys();
            long pos = offset;
            while (pos < end) {
                int p = (int) (pos / PAGE);
                int in = (int) (pos % PAGE);
                int n = (int) Math.min(PAGE - in, end - pos);
                long lo = keys[2 * p];
                long hi = keys[2 * p + 1];
                long at = pos - offset;
                if (lo == 0 && hi == 0) {
                    out.asSlice(at, n).fill((byte) 0);
                } else {
                    long expected = Math.min(PAGE, blob.size() - (long) p * PAGE);
                    // whole pages go straight to the destination; a partial one through the page buffer
                    boolean whole = in == 0 && n == expected;
                    int len = whole ? chunks.read(lo, hi, out, at) : chunks.read(lo, hi, page, 0);
                    if (len != expected) {
                        throw new StoreException("checkpoint " + info.id() + ": blob '" + blob.name() + "' page " + p
                                + " has " + len + " bytes, expected " + expected);
                    }
                    if (!whole) {
                        MemorySegment.copy(MemorySegment.ofArray(page), in, out, at, n);
                    }
                }
                pos += n;
            }
            dst.position(dst.limit());
        }
    }
}
