package dev.cryo.engine.memory;

import dev.cryo.image.mm.VmaEntry;
import dev.cryo.image.mm.VmaKind;
import dev.cryo.linux.mem.NativeBuffer;
import dev.cryo.linux.mem.RemoteMemory;
import dev.cryo.linux.uffd.Userfaultfd;
import dev.cryo.store.PageMap;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;

/**
 * The restore's one copy of memory: every dumped page from where the store left it (a mapped pack, a
 * decoded frame) straight into the target, as (remote, local, length) pieces merged wherever both sides
 * are contiguous, by two threads when there is much of it.
 *
 * <p>Pages of areas that were just mapped private and anonymous ({@link #fresh}) are {@link #place placed}
 * with UFFDIO_COPY through a userfaultfd of the target: the kernel allocates each page and copies into it,
 * with no page fault and no zeroing first (about half the CPU time of process_vm_writev, bench/RESULTS.md).
 * Everything else, and whatever UFFDIO_COPY refuses, is {@link #write written} with process_vm_writev (the
 * target's page faults then taken by the writing thread) once that userfaultfd is closed. Zero pages of
 * fresh areas are not written at all: the area reads as zero already.
 */
final class PageWrites {
    /** Below this, a second thread costs more than it saves. */
    private static final long MIN_SPLIT = 32L << 20;
    private static final int PAGE = NativeBuffer.PAGE;

    /** Into fresh areas (placed, if {@link #place} is called), and the rest (written). */
    private final Pieces fresh = new Pieces(), other = new Pieces();
    /** The fresh areas that receive pages, as (start, end) pairs. */
    private long[] areas = new long[16];
    private int areaCount;
    private long placed;

    /**
     * Whether an area is fresh anonymous memory, mapped private and anonymous by the restore just now and
     * never touched, whose pages may be placed with UFFDIO_COPY: the one place that decides. Private file
     * mappings (holding the file's pages), shared memory (its object may be filled by another process of the
     * tree, or hold pages already) are not.
     */
    static boolean fresh(VmaEntry v) {
        return v.kind() == VmaKind.ANONYMOUS || v.kind() == VmaKind.DELETED_FILE_PRIVATE;
    }

    /** The pieces for {@code vmas}, whose dumped pages are back to back in {@code pages} in this order. */
    static PageWrites of(List<VmaEntry> vmas, PageMap pages, long zeroPage) throws IOException {
        PageWrites w = new PageWrites();
        int next = 0;
        for (VmaEntry v : vmas) {
            long[] r = v.pageRuns();
            boolean fresh = fresh(v);
            Pieces into = fresh ? w.fresh : w.other;
            int before = into.count;
            for (int i = 0; i < r.length; i += 2) {
                for (long k = 0; k < r[i + 1]; k++) {
                    if (next >= pages.pages()) throw new IOException("memory data ends before the image's last page");
                    long from = pages.address(next++);
                    if (from == 0 && fresh) continue;
                    into.add(v.start() + (r[i] + k) * PAGE, from == 0 ? zeroPage : from, PAGE);
                }
            }
            if (fresh && into.count > before) w.area(v.start(), v.end());
        }
        return w;
    }

    private void area(long start, long end) {
        if (2 * areaCount == areas.length) areas = Arrays.copyOf(areas, areas.length * 2);
        areas[2 * areaCount] = start;
        areas[2 * areaCount++ + 1] = end;
    }

    /** Bytes that {@link #place} would place. */
    long placeable() {
        return fresh.bytes;
    }

    /**
     * Registers the fresh areas with {@code uffd} (a userfaultfd of the target, on which {@link
     * Userfaultfd#enableFill} was called) and places their pages with UFFDIO_COPY; what it refuses (an area
     * that does not register, a page present already) is left for {@link #write}, which must come after
     * {@code uffd} is closed: until then a write into a registered area's missing page fails.
     */
    void place(Userfaultfd uffd) throws IOException {
        for (int i = 0; i < areaCount; i++) {
            uffd.registerMissing(areas[2 * i], areas[2 * i + 1]); // refused: UFFDIO_COPY fails there, and it is written
        }
        Pieces refused = new Pieces(), refused2 = new Pieces();
        halves(fresh, (from, to) -> place(uffd, from, to, refused), (from, to) -> place(uffd, from, to, refused2));
        placed = fresh.bytes - refused.bytes - refused2.bytes;
        fresh.clear();
        other.addAll(refused);
        other.addAll(refused2);
    }

    private void place(Userfaultfd uffd, int from, int to, Pieces refused) {
        for (int i = from; i < to; i++) {
            long at = 0, len = fresh.len[i];
            while (at < len) {
                long r = uffd.copy(fresh.remote[i] + at, fresh.local[i] + at, len - at);
                if (r <= 0) break;
                at += r;
            }
            if (at < len) refused.add(fresh.remote[i] + at, fresh.local[i] + at, len - at);
        }
    }

    /** Writes every piece not placed with process_vm_writev into {@code memory}'s process; what went where. */
    MemoryHandler.PagesIn write(RemoteMemory memory) throws IOException {
        other.addAll(fresh);
        fresh.clear();
        halves(other, (from, to) -> write(memory, from, to), (from, to) -> write(memory, from, to));
        return new MemoryHandler.PagesIn(placed, other.bytes);
    }

    private void write(RemoteMemory memory, int from, int to) throws IOException {
        long want = 0;
        for (int i = from; i < to; i++) want += other.len[i];
        long done = memory.write(other.remote, other.local, other.len, from, to);
        if (done != want) throw new IOException("process_vm_writev wrote " + done + " of " + want + " bytes of memory");
    }

    @FunctionalInterface
    private interface Part {
        /** Handles pieces [from, to). */
        void run(int from, int to) throws IOException;
    }

    /** Runs {@code first} and {@code second} on two threads over halves of the bytes of {@code p}, or one on all. */
    private static void halves(Pieces p, Part first, Part second) throws IOException {
        if (p.bytes < MIN_SPLIT) {
            first.run(0, p.count);
            return;
        }
        int split = p.cutAtHalf();
        Halves.both(() -> first.run(0, split), () -> second.run(split, p.count));
    }

    /** (remote, local, length) pieces, merged where both sides continue the previous one. */
    private static final class Pieces {
        long[] remote = new long[1024], local = new long[1024], len = new long[1024];
        int count;
        long bytes;

        void add(long to, long from, long n) {
            bytes += n;
            if (count > 0 && remote[count - 1] + len[count - 1] == to && local[count - 1] + len[count - 1] == from) {
                len[count - 1] += n;
                return;
            }
            if (count == remote.length) grow();
            remote[count] = to;
            local[count] = from;
            len[count++] = n;
        }

        void addAll(Pieces p) {
            for (int i = 0; i < p.count; i++) add(p.remote[i], p.local[i], p.len[i]);
        }

        void clear() {
            count = 0;
            bytes = 0;
        }

        private void grow() {
            remote = Arrays.copyOf(remote, remote.length * 2);
            local = Arrays.copyOf(local, local.length * 2);
            len = Arrays.copyOf(len, len.length * 2);
        }

        /**
         * Cuts the pieces where half of the bytes lie before (cutting a piece in two at a page boundary if it
         * spans the middle) and returns the index of the first piece after the cut.
         */
        int cutAtHalf() {
            long half = (bytes / 2) & -PAGE, before = 0;
            int i = 0;
            while (i < count && before + len[i] <= half) before += len[i++];
            if (i == count || before == half) return i;
            if (count == remote.length) grow();
            System.arraycopy(remote, i, remote, i + 1, count - i);
            System.arraycopy(local, i, local, i + 1, count - i);
            System.arraycopy(len, i, len, i + 1, count - i);
            count++;
            long first = half - before;
            len[i] = first;
            remote[i + 1] += first;
            local[i + 1] += first;
            len[i + 1] -= first;
            return i + 1;
        }
    }
}
