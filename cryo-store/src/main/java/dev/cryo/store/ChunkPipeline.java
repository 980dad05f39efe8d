package dev.cryo.store;

import dev.cryo.store.chunk.KeySet;
import dev.cryo.store.chunk.Xxh3;
import dev.cryo.store.chunk.ZeroPages;
import dev.cryo.store.index.MasterIndex;
import dev.cryo.store.pack.FrameBuilder;
import dev.cryo.store.pack.PackSink;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The write path: the caller's pages are cut into 1 MiB batches; each batch is copied into the working
 * thread's own array (one bulk copy; everything after it works on a plain byte[], which a JVM that lives
 * for one command runs fast long before the JIT has compiled the memory-segment paths), checked for zero
 * pages, hashed (XXH3-128), looked up in the index and this checkpoint's own keys, and its new chunks are
 * packed into frames. The caller's thread works on the batches itself, helped by {@code threads - 1}
 * worker threads, and returns when all are done (the caller may then reuse its buffer). Buffers and frame
 * builders are pooled, so nothing is allocated per page.
 */
final class ChunkPipeline {
    static final int PAGE = ZeroPages.PAGE;
    static final int BATCH_PAGES = 256;

    private final MasterIndex index;
    private final KeySet session = new KeySet(1 << 16);
    private final ExecutorService helpers;
    private final BlockingQueue<Worker> workers;
    private final List<Worker> allWorkers = new ArrayList<>();
    private final int threads;
    private volatile IOException failure;

    ChunkPipeline(MasterIndex index, PackSink sink, int threads, Compression compression) {
        this.index = index;
        this.threads = threads;
        this.helpers = threads <= 1 ? null : Executors.newFixedThreadPool(threads - 1, r -> {
            Thread t = new Thread(r, "cryo-store-worker");
            t.setDaemon(true);
            return t;
        });
        // one per thread that may work at once: the helpers and up to two callers (blobs written in parallel)
        int n = threads + 2;
        this.workers = new ArrayBlockingQueue<>(n);
        for (int i = 0; i < n; i++) {
            Worker w = new Worker(new FrameBuilder(sink, compression), new byte[BATCH_PAGES * PAGE]);
            allWorkers.add(w);
            workers.add(w);
        }
    }

    /** What one working thread holds: its frame builder and its batch array. */
    private record Worker(FrameBuilder frames, byte[] batch) {}

    static int defaultThreads() {
        return Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
    }

    /** The pages of one call, cut into batches that the caller and the helpers claim one at a time. */
    private final class Job implements Runnable {
        final MemorySegment src;
        final long len;
        final long[] keys;
        final int keyAt;
        final int batches;
        final AtomicInteger next = new AtomicInteger();
        int done;
        IOException error;

        Job(MemorySegment src, long len, long[] keys, int keyAt) {
            this.src = src;
            this.len = len;
            this.keys = keys;
            this.keyAt = keyAt;
            this.batches = (int) ((len + (long) BATCH_PAGES * PAGE - 1) / ((long) BATCH_PAGES * PAGE));
        }

        @Override
        public void run() {
            Worker w = null;
            int finished = 0;
            IOException err = null;
            try {
                w = workers.take();
                for (int b; (b = next.getAndIncrement()) < batches; ) {
                    try {
                        if (err == null && failure == null) {
                            batch(w, b);
                        }
                    } catch (IOException | RuntimeException e) {
                        err = e instanceof IOException io ? io : new IOException(e);
                    }
                    finished++;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                err = new InterruptedIOException("interrupted while writing");
                // the batches this thread did not claim are claimed by the others
            } finally {
                if (w != null) {
                    workers.add(w);
                }
                synchronized (this) {
                    done += finished;
                    if (err != null && error == null) {
                        error = err;
                    }
                    notifyAll();
                }
            }
        }

        private void batch(Worker w, int b) throws IOException {
            long start = (long) b * BATCH_PAGES * PAGE;
            int end = (int) (Math.min(len, start + (long) BATCH_PAGES * PAGE) - start);
            byte[] data = w.batch();
            MemorySegment.copy(src, ValueLayout.JAVA_BYTE, start, data, 0, end);
            FrameBuilder fb = w.frames();
            int k = keyAt + 2 * b * BATCH_PAGES;
            long[] h = keys;
            for (int off = 0; off < end; off += PAGE, k += 2) {
                int n = Math.min(PAGE, end - off);
                if (ZeroPages.isZero(data, off, n)) {
                    h[k] = 0;
                    h[k + 1] = 0;
                    continue;
                }
                Xxh3.hash128(data, off, n, h, k);
                long lo = h[k];
                long hi = h[k + 1];
                if (index.contains(lo, hi)) {
                    continue;
                }
                boolean fresh;
                synchronized (session) {
                    fresh = session.add(lo, hi);
                }
                if (fresh) {
                    fb.add(lo, hi, data, off, n);
                }
            }
        }

        synchronized void await() throws InterruptedIOException {
            while (done < batches) {
                try {
                    wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted while writing");
                }
            }
        }
    }

    /**
     * Chunks {@code src[0, len)} (pages, the last one possibly short) and stores the keys, two longs per page,
     * into {@code keys} from {@code keyAt}. Returns when every page is processed.
     */
    void process(MemorySegment src, long len, long[] keys, int keyAt) throws IOException {
        checkFailure();
        if (len == 0) {
            return;
        }
        Job job = new Job(src, len, keys, keyAt);
        int extra = helpers == null ? 0 : Math.min(threads - 1, job.batches - 1);
        for (int i = 0; i < extra; i++) {
            helpers.execute(job);
        }
        job.run();
        job.await();
        if (job.error != null) {
            if (failure == null) {
                failure = job.error;
            }
            throw job.error;
        }
    }

    /** Flushes the partial frames into the sink (every caller has returned). */
    void drain() throws IOException {
        checkFailure();
        for (Worker w : allWorkers) {
            w.frames().flush();
        }
    }

    void shutdown() {
        if (helpers != null) {
            helpers.shutdownNow();
        }
    }

    /** Stops work in progress (after a failure or abort) before files are deleted. */
    void quiesce() {
        if (failure == null) {
            failure = new InterruptedIOException("checkpoint discarded");
        }
    }

    void checkFailure() throws IOException {
        IOException f = failure;
        if (f != null) {
            throw f;
        }
    }
}
