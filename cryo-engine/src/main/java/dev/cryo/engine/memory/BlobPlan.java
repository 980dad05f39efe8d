package dev.cryo.engine.memory;

import java.util.Arrays;

/**
 * The order of a process's memory blob when it is written: runs of pages copied out of the process
 * (taken in order from the capture buffer) and runs of pages unchanged since the baseline checkpoint
 * (referred to in its blob, never read). A full checkpoint's plan is copied pages only.
 */
final class BlobPlan {
    /** Per piece: offset in the baseline's blob, or -1 for copied pages; and its length in bytes. */
    private long[] from = new long[64], lengths = new long[64];
    private int count;
    private long size, copied;

    void copied(long bytes) {
        add(-1, bytes);
        copied += bytes;
    }

    void baseline(long offset, long bytes) {
        add(offset, bytes);
    }

    private void add(long offset, long bytes) {
        if (bytes == 0) return;
        size += bytes;
        if (count > 0 && lengths[count - 1] > 0) {
            long lastFrom = from[count - 1];
            if (offset < 0 && lastFrom < 0 || offset >= 0 && lastFrom >= 0 && lastFrom + lengths[count - 1] == offset) {
                lengths[count - 1] += bytes;
                return;
            }
        }
        if (count == from.length) {
            from = Arrays.copyOf(from, count * 2);
            lengths = Arrays.copyOf(lengths, count * 2);
        }
        from[count] = offset;
        lengths[count++] = bytes;
    }

    /** Bytes of the blob planned so far (the offset of the next page). */
    long size() {
        return size;
    }

    /** Bytes planned from the process (the capture buffer's size). */
    long copiedBytes() {
        return copied;
    }

    long baselineBytes() {
        return size - copied;
    }

    int count() {
        return count;
    }

    /** Offset in the baseline's blob of piece {@code i}, or -1 if its pages are copied ones. */
    long from(int i) {
        return from[i];
    }

    long length(int i) {
        return lengths[i];
    }
}
