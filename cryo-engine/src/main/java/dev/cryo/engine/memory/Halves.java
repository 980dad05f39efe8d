package dev.cryo.engine.memory;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs a copy of collected ranges as two halves on two threads. process_vm_readv/writev spend most of
 * their time faulting pages in (ours when reading, the target's when writing), and those faults are
 * taken by the calling thread: two threads on two cores halve the time. They need no ptrace, so any
 * thread may make them.
 */
final class Halves {
    /** Below this, a second thread costs more than it saves. */
    private static final long MIN_SPLIT = 32L << 20;

    private Halves() {}

    @FunctionalInterface
    interface RangeTask {
        /** Handles ranges [from, to), whose data starts at {@code offset} in the buffer. */
        void copy(int from, int to, long offset) throws IOException;
    }

    static void run(MemoryHandler.RunCollector runs, RangeTask task) throws IOException {
        long total = runs.pages() * 4096L;
        int n = runs.count();
        if (total < MIN_SPLIT || n < 2 && total < 2 * MIN_SPLIT) {
            task.copy(0, n, 0);
            return;
        }
        if (n < 2) {
            runs.splitLast(); // one huge range: cut it in two so each half has one
            n = runs.count();
        }
        // the first range index at which the first half holds at least half of the bytes
        int mid = 0;
        long offset = 0;
        while (mid < n - 1 && offset + runs.lengths()[mid] <= total / 2) offset += runs.lengths()[mid++];
        if (mid == 0) offset += runs.lengths()[mid++];
        int split = mid;
        long splitOffset = offset;
        both(() -> task.copy(0, split, 0), () -> task.copy(split, runs.count(), splitOffset));
    }

    @FunctionalInterface
    interface Part {
        void run() throws IOException;
    }

    /** Runs {@code first} on this thread and {@code second} on a new one; throws the second's failure, if any. */
    static void both(Part first, Part second) throws IOException {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread other = Thread.ofPlatform().name("cryo-copy").start(() -> {
            try {
                second.run();
            } catch (Throwable t) {
                failure.set(t);
            }
        });
        try {
            first.run();
        } finally {
            try {
                other.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while copying memory", e);
            }
        }
        Throwable t = failure.get();
        if (t instanceof IOException io) throw io;
        if (t instanceof RuntimeException re) throw re;
        if (t != null) throw new IOException(t);
    }
}
