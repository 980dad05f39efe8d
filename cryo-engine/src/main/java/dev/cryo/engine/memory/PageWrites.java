package dev.cryo.engine.memory;

import dev.cryo.image.mm.VmaEntry;
import dev.cryo.image.mm.VmaKind;
import dev.cryo.linux.mem.NativeBuffer;
import dev.cryo.linux.mem.RemoteMemory;
import dev.cryo.store.PageMap;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;

/**
 * The restore's one copy of memory: every dumped page from where the store left it (a mapped pack, a
 * decoded frame) straight into the target, as (remote, local, length) pieces merged wherever both sides
 * are contiguous, written with process_vm_writev 1024 pieces at a time by two threads (the target's page
 * faults are taken by the writing thread). Zero pages of private anonymous areas are not written at all:
 * the area was just mapped and reads as zero already.
 */
final class PageWrites {
    /** Below this, a second thread costs more than it saves. */
    private static final long MIN_SPLIT = 32L << 20;
    private static final int PAGE = NativeBuffer.PAGE;

    private long[] remote = new long[1024], local = new long[1024], len = new long[1024];
    private int count;
    private long bytes;

    /** The pieces for {@code vmas}, whose dumped pages are back to back in {@code pages} in this order. */
    static PageWrites of(List<VmaEntry> vmas, PageMap pages, long zeroPage) throws IOException {
        PageWrites w = new PageWrites();
        int next = 0;
        for (VmaEntry v : vmas) {
            long[] r = v.pageRuns();
            boolean zeroIsFree = v.kind() == VmaKind.ANONYMOUS;
            for (int i = 0; i < r.length; i += 2) {
                for (long k = 0; k < r[i + 1]; k++) {
                    if (next >= pages.pages()) throw new IOException("memory data ends before the image's last page");
                    long from = pages.address(next++);
                    if (from == 0 && zeroIsFree) continue;
                    w.add(v.start() + (r[i] + k) * PAGE, from == 0 ? zeroPage : from, PAGE);
                }
            }
        }
        return w;
    }

    private void add(long to, long from, long n) {
        bytes += n;
        if (count > 0 && remote[count - 1] + len[count - 1] == to && local[count - 1] + len[count - 1] == from) {
            len[count - 1] += n;
            return;
        }
        if (count == remote.length) {
            remote = Arrays.copyOf(remote, count * 2);
            local = Arrays.copyOf(local, count * 2);
            len = Arrays.copyOf(len, count * 2);
        }
        remote[count] = to;
        local[count] = from;
        len[count++] = n;
    }

    int pieces() {
        return count;
    }

    long bytes() {
        return bytes;
    }

    /** Writes every piece into {@code memory}'s process, in two halves on two threads when it is large. */
    void writeTo(RemoteMemory memory) throws IOException {
        if (bytes < MIN_SPLIT || count < 2) {
            write(memory, 0, count);
            return;
        }
        int mid = 0;
        for (long half = 0; mid < count - 1 && half + len[mid] <= bytes / 2; ) half += len[mid++];
        int split = Math.max(1, mid);
        Halves.both(() -> write(memory, 0, split), () -> write(memory, split, count));
    }

    private void write(RemoteMemory memory, int from, int to) throws IOException {
        long want = 0;
        for (int i = from; i < to; i++) want += len[i];
        long done = memory.write(remote, local, len, from, to);
        if (done != want) throw new IOException("process_vm_writev wrote " + done + " of " + want + " bytes of memory");
    }
}
