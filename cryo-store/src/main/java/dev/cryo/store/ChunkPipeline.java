package dev.cryo.store;

import dev.cryo.store.chunk.KeySet;
import dev.cryo.store.chunk.Xxh3;
import dev.cryo.store.chunk.ZeroPages;
import dev.cryo.store.index.MasterIndex;
import dev.cryo.store.pack.FrameBuilder;
import dev.cryo.store.pack.PackSink;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The write path: the caller's pages are cut into 1 MiB batches; each batch is checked for zero pages,
 * hashed (XXH3-128, native, where the pages lie), looked up in the index and this checkpoint's own keys,
 * and its new chunks are packed into frames. Native input is never copied before the kernel's write (raw
 * frames are written from it, compressed ones compressed from it); heap input is first copied into the
 * working thread's native batch buffer. The caller's thread works on the batches itself, helped by {@code threads - 1}
 * worker threads, and returns when all are done (the caller may then reuse its buffer). Buffers and frame
 * builders are pooled, so nothing is allocated per page.
 */
final class ChunkPipeline {
    static final int PAGE = ZeroPages.PAGE;
    static final int BATCH_PAGES = 256;
    static final long BATCH_BYTES = (long) BATCH_PAGES * PAGE;
    /** Pages per call of a batch's inner passes (see {@code Job.batch}). */
    static final int GROUP = 16;

    private final MasterIndex index;
    private final Arena arena = Arena.ofAuto();
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
            Worker w = new Worker(new FrameBuilder(sink, compression), arena.allocate(BATCH_BYTES, PAGE),
                    new boolean[BATCH_PAGES], new boolean[BATCH_PAGES]);
            allWorkers.add(w);
            workers.add(w);
        }
    }

    /**
     * What one working thread holds: its frame builder, a native batch buffer (for input on the heap),
     * which pages of the batch are new and which of those look random (sampled while hashing).
     */
    private record Worker(FrameBuilder frames, MemorySegment batch, boolean[] fresh, boolean[] random) {}

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
            this.batches = (int) ((len + BATCH_BYTES - 1) / BATCH_BYTES);
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

        /**
         * One batch in three passes, so the per-page work is a few calls and no objects: zero check, hash and
         * index lookup of every page; this checkpoint's own keys under one lock for the whole batch; then the
         * new chunks into frames, which refer to native input rather than copying it. The passes loop over
         * groups of {@link #GROUP} pages in methods of their own: a method called that often is compiled
         * after a few batches, where one loop over a whole batch would run interpreted for the first ~100 MiB
         * of a command's short-lived JVM (the JIT compiles a method on calls, a loop only after ~60k turns).
         */
        private void batch(Worker w, int b) throws IOException {
            long start = (long) b * BATCH_BYTES;
            int end = (int) (Math.min(len, start + BATCH_BYTES) - start);
            MemorySegment data = src;
            long from = start;
            if (!src.isNative()) {
                MemorySegment.copy(src, start, w.batch(), 0, end);
                data = w.batch();
                from = 0;
            }
            int pages = (end + PAGE - 1) / PAGE;
            int k0 = keyAt + 2 * b * BATCH_PAGES;
            boolean[] fresh = w.fresh();
            boolean[] random = w.random();
            FrameBuilder fb = w.frames();
            int candidates = 0;
            for (int p = 0; p < pages; p += GROUP) {
                candidates += classify(fb, data, from, end, p, Math.min(pages, p + GROUP), k0, fresh, random);
            }
            if (candidates == 0) {
                return;
            }
            synchronized (session) {
                for (int p = 0; p < pages; p += GROUP) {
                    claim(p, Math.min(pages, p + GROUP), k0, fresh);
                }
            }
            for (int p = 0; p < pages; p += GROUP) {
                frame(fb, data, from, end, p, Math.min(pages, p + GROUP), k0, fresh, random);
            }
            fb.release();
        }

        /**
         * Zero check, hash and index lookup of pages [p0, p1), and the random-data sample of those not in the
         * index (while the hash has just brought the page into the cache); returns how many are not in it.
         */
        private int classify(FrameBuilder fb, MemorySegment data, long from, int end, int p0, int p1, int k0,
                boolean[] fresh, boolean[] random) {
            long[] h = keys;
            long address = data.address() + from;
            int candidates = 0;
            for (int p = p0, off = p0 * PAGE, k = k0 + 2 * p0; p < p1; p++, off += PAGE, k += 2) {
                int n = Math.min(PAGE, end - off);
                if (ZeroPages.isZero(data, from + off, n)) {
                    h[k] = 0;
                    h[k + 1] = 0;
                    fresh[p] = false;
                    continue;
                }
                Xxh3.hash128(address + off, n, h, k);
                boolean unknown = !index.contains(h[k], h[k + 1]);
                fresh[p] = unknown;
                if (unknown) {
                    random[p] = fb.looksRandom(data, from + off, n);
                    candidates++;
                }
            }
            return candidates;
        }

        /** Keeps as new only the pages of [p0, p1) no other batch of this checkpoint has stored (holding the lock). */
        private void claim(int p0, int p1, int k0, boolean[] fresh) {
            long[] h = keys;
            for (int p = p0, k = k0 + 2 * p0; p < p1; p++, k += 2) {
                if (fresh[p]) {
                    fresh[p] = session.add(h[k], h[k + 1]);
                }
            }
        }

        private void frame(FrameBuilder fb, MemorySegment data, long from, int end, int p0, int p1, int k0,
                boolean[] fresh, boolean[] random) throws IOException {
            long[] h = keys;
            for (int p = p0, off = p0 * PAGE, k = k0 + 2 * p0; p < p1; p++, off += PAGE, k += 2) {
                if (fresh[p]) {
                    fb.add(h[k], h[k + 1], data, from + off, Math.min(PAGE, end - off), random[p]);
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
