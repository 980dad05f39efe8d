package dev.cryo.store;

import dev.cryo.store.chunk.KeySet;
import dev.cryo.store.chunk.Xxh3;
import dev.cryo.store.chunk.ZeroPages;
import dev.cryo.store.index.MasterIndex;
import dev.cryo.store.pack.FrameBuilder;
import dev.cryo.store.pack.PackSink;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The write path: page batches go to a small worker pool; each worker finds zero pages, hashes the rest
 * (XXH3-128), drops chunks the store or this pipeline already has, and packs the new ones into frames.
 * Batches (1 MiB) and frame buffers are pooled, so nothing is allocated per page.
 */
final class ChunkPipeline {
    static final int PAGE = ZeroPages.PAGE;
    static final int BATCH_PAGES = 256;
    static final int BATCH = BATCH_PAGES * PAGE;

    /** A buffer of consecutive pages of one blob, and where their keys go. */
    static final class Batch {
        final byte[] data = new byte[BATCH];
        int len;
        long[] keys;
    }

    private final MasterIndex index;
    private final KeySet session = new KeySet(1 << 16);
    private final PackSink sink;
    private final ExecutorService workers;
    private final BlockingQueue<Batch> free = new LinkedBlockingQueue<>();
    private final BlockingQueue<FrameBuilder> builders;
    private final List<FrameBuilder> allBuilders = new ArrayList<>();
    private final AtomicInteger allocated = new AtomicInteger();
    private final Object idle = new Object();
    private int inflight;
    private final int threads;
    private volatile int batchLimit;
    private volatile IOException failure;

    ChunkPipeline(MasterIndex index, PackSink sink, int threads) {
        this.index = index;
        this.sink = sink;
        this.workers = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "cryo-store-worker");
            t.setDaemon(true);
            return t;
        });
        this.threads = threads;
        this.builders = new ArrayBlockingQueue<>(threads + 1);
        for (int i = 0; i < threads + 1; i++) {
            FrameBuilder fb = new FrameBuilder(sink, this::behind);
            allBuilders.add(fb);
            builders.add(fb);
        }
        this.batchLimit = 2 * threads + 2;
    }

    /** More batches waiting than workers to take them: compressing now would slow the checkpoint. */
    private boolean behind() {
        synchronized (idle) {
            return inflight > threads;
        }
    }

    static int defaultThreads() {
        return Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
    }

    /** Each open blob may hold one partly filled batch; the pool grows by one per blob so none starves. */
    void blobOpened() {
        batchLimit++;
    }

    Batch takeBatch() throws IOException {
        checkFailure();
        Batch b = free.poll();
        if (b != null) {
            return b;
        }
        if (allocated.incrementAndGet() <= batchLimit) {
            return new Batch();
        }
        allocated.decrementAndGet();
        try {
            return free.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while writing");
        }
    }

    void giveBack(Batch b) {
        b.len = 0;
        b.keys = null;
        free.add(b);
    }

    /** Hands a filled batch to the workers; its keys land in {@code keys} (2 longs per page). */
    void submit(Batch b, long[] keys) throws IOException {
        checkFailure();
        b.keys = keys;
        synchronized (idle) {
            inflight++;
        }
        workers.execute(() -> {
            try {
                process(b);
            } catch (IOException | RuntimeException e) {
                if (failure == null) {
                    failure = e instanceof IOException io ? io : new IOException(e);
                }
            } finally {
                giveBack(b);
                synchronized (idle) {
                    inflight--;
                    idle.notifyAll();
                }
            }
        });
    }

    private void process(Batch b) throws IOException {
        FrameBuilder fb;
        try {
            fb = builders.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted");
        }
        try {
            byte[] data = b.data;
            long[] keys = b.keys;
            for (int p = 0, off = 0; off < b.len; p++, off += PAGE) {
                if (failure != null) {
                    return;
                }
                int len = Math.min(PAGE, b.len - off);
                if (ZeroPages.isZero(data, off, len)) {
                    keys[2 * p] = 0;
                    keys[2 * p + 1] = 0;
                    continue;
                }
                Xxh3.hash128(data, off, len, keys, 2 * p);
                long lo = keys[2 * p];
                long hi = keys[2 * p + 1];
                if (index.contains(lo, hi)) {
                    continue;
                }
                boolean fresh;
                synchronized (session) {
                    fresh = session.add(lo, hi);
                }
                if (fresh) {
                    fb.add(lo, hi, data, off, len);
                }
            }
        } finally {
            builders.add(fb);
        }
    }

    /** Waits for every submitted batch and flushes the partial frames into the sink. */
    void drain() throws IOException {
        synchronized (idle) {
            while (inflight > 0) {
                try {
                    idle.wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted while writing");
                }
            }
        }
        checkFailure();
        for (FrameBuilder fb : allBuilders) {
            fb.flush();
        }
    }

    void shutdown() {
        workers.shutdownNow();
    }

    /** Waits for running batches to stop (after a failure or abort) before files are deleted. */
    void quiesce() {
        if (failure == null) {
            failure = new InterruptedIOException("checkpoint discarded");
        }
        synchronized (idle) {
            while (inflight > 0) {
                try {
                    idle.wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    void checkFailure() throws IOException {
        IOException f = failure;
        if (f != null) {
            throw f;
        }
    }
}
