package dev.cryo.engine.memory;

import dev.cryo.image.mm.VmaEntry;
import dev.cryo.image.mm.VmaKind;
import dev.cryo.linux.mem.NativeBuffer;
import dev.cryo.linux.mem.Pagemap;
import dev.cryo.linux.proc.MapsEntry;

import java.io.IOException;
import java.util.List;

/**
 * Dirty tracking during a capture: with a baseline, which pages of each area to copy (written since the
 * baseline) and which to take from the baseline's blob; without one (the first checkpoint, or after the
 * tracker was lost), every area is dumped whole and protected, so the next checkpoint can be incremental.
 *
 * <p>An area counts as unchanged only if the kernel still has it registered with the tracker: an area
 * mapped since (even at the same place), or moved by mremap (which drops the registration), is dumped
 * whole and registered now. Pages of an area that grew are not in the baseline; written ones are reported
 * written, untouched ones hold nothing.
 */
public final class Increment {
    private static final int PAGE = NativeBuffer.PAGE;
    private static volatile boolean warm;
    private final DirtyTracker tracker;
    private final Baseline baseline;
    private long writtenBytes;

    /** {@code baseline} null: dump everything and start tracking. */
    public Increment(DirtyTracker tracker, Baseline baseline) {
        this.tracker = tracker;
        this.baseline = baseline;
    }

    public Baseline baseline() {
        return baseline;
    }

    /** Bytes copied: reported written since the baseline, or in areas dumped whole (all of them without a baseline). */
    public long writtenBytes() {
        return writtenBytes;
    }

    /** Anonymous memory and private file mappings are tracked; a deleted file's private mapping is dumped whole. */
    static boolean trackable(VmaKind kind) {
        return kind == VmaKind.ANONYMOUS || kind == VmaKind.FILE_PRIVATE;
    }

    /**
     * The dumped pages of area {@code m} as (page index, count) pairs, with the copied ones added to
     * {@code runs} and every one to {@code plan}, in order.
     */
    long[] pages(MapsEntry m, VmaKind kind, MemoryHandler.RunCollector runs, Pagemap pagemap, BlobPlan plan)
            throws IOException {
        boolean fileBacked = kind == VmaKind.FILE_PRIVATE;
        RunList found = new RunList();
        boolean tracked = baseline != null && tracker.collectWritten(m.start(), m.end(),
                (from, to) -> found.add((from - m.start()) / PAGE, (to - from) / PAGE, -1));
        RunList written = found;
        if (!tracked) {
            // new, moved, re-mapped or refused: whole, and tracked from now on
            tracker.track(m.start(), m.end());
            long first = runs.pages();
            long[] r = runs.collect(pagemap, m, fileBacked);
            plan.copied((runs.pages() - first) * PAGE);
            writtenBytes += (runs.pages() - first) * PAGE;
            return r;
        }
        RunList recheck = new RunList();
        RunList kept = baselinePages(m, fileBacked, pagemap, recheck);
        if (recheck.count > 0) written = RunList.union(written, recheck);
        RunList out = new RunList();
        writtenBytes += sweep(kept, written, m.start(), runs, plan, out);
        return out.pairs();
    }

    /**
     * Sweeps two sorted lists of pages of an area: written pages are copied (added to {@code runs}), the
     * baseline's other pages referred to in its blob; {@code out} gets them all. Returns the bytes copied.
     */
    private static long sweep(RunList kept, RunList written, long areaStart, MemoryHandler.RunCollector runs,
            BlobPlan plan, RunList out) {
        long copied = 0;
        int i = 0, j = 0;
        long pos = 0;
        while (i < kept.count || j < written.count) {
            if (i < kept.count && kept.end(i) <= pos) {
                i++;
                continue;
            }
            if (j < written.count && written.end(j) <= pos) {
                j++;
                continue;
            }
            long ks = i < kept.count ? Math.max(kept.start[i], pos) : Long.MAX_VALUE;
            long ws = j < written.count ? Math.max(written.start[j], pos) : Long.MAX_VALUE;
            if (ws <= ks) {
                long we = written.end(j);
                runs.add(areaStart + ws * PAGE, (we - ws) * PAGE);
                plan.copied((we - ws) * PAGE);
                copied += (we - ws) * PAGE;
                out.add(ws, we - ws, -1);
                pos = we;
                j++;
            } else {
                long ke = Math.min(kept.end(i), ws);
                plan.baseline(kept.blob[i] + (ks - kept.start[i]) * PAGE, (ke - ks) * PAGE);
                out.add(ks, ke - ks, -1);
                pos = ke;
            }
        }
        return copied;
    }

    /**
     * Runs the per-range code of an incremental capture on made-up pages, before the freeze: it runs
     * once per cryo process, and interpreted it costs microseconds per written range (~20 ms for 6000
     * ranges on a busy 2-core machine); compiled by the JIT first, a small fraction of that.
     */
    static void warmUp() {
        if (warm) return; // a long-lived supervisor has done it already
        warm = true;
        for (int round = 0; round < 300; round++) {
            RunList kept = new RunList(), written = new RunList();
            kept.add(0, 100_000, 0);
            for (int k = 0; k < 200; k++) written.add(k * 7L + round % 5, 1 + k % 2, -1);
            sweep(kept, written, 1L << 30, new MemoryHandler.RunCollector(), new BlobPlan(), new RunList());
        }
    }

    /**
     * The baseline's dumped pages inside {@code m} (page indexes relative to {@code m}) with their blob
     * offsets. In a private file mapping only those still present as the process's own: a copied-on-write
     * page dropped by madvise(MADV_DONTNEED) shows the file again without counting as written (measured on
     * 6.18), and must not be taken from the baseline. Such a page that is not present reads in pagemap as
     * swapped (the kernel leaves a write-protect marker in its place), like a page really swapped out:
     * those go to {@code recheck}, to be copied as they are now.
     */
    private RunList baselinePages(MapsEntry m, boolean fileBacked, Pagemap pagemap, RunList recheck)
            throws IOException {
        RunList kept = new RunList();
        List<VmaEntry> vmas = baseline.vmas();
        int lo = 0, hi = vmas.size();
        while (lo < hi) { // first area ending after m's start
            int mid = (lo + hi) >>> 1;
            if (vmas.get(mid).end() <= m.start()) lo = mid + 1; else hi = mid;
        }
        for (int v = lo; v < vmas.size() && vmas.get(v).start() < m.end(); v++) {
            VmaEntry b = vmas.get(v);
            long[] r = b.pageRuns();
            long blob = b.blobOffset();
            for (int k = 0; k < r.length; k += 2) {
                long s = b.start() + r[k] * PAGE, e = s + r[k + 1] * PAGE;
                long cs = Math.max(s, m.start()), ce = Math.min(e, m.end());
                if (cs < ce) {
                    long at = blob + (cs - s);
                    if (fileBacked) {
                        pagemap.scan(cs, ce, (addr, entry) -> {
                            long page = (addr - m.start()) / PAGE;
                            if ((entry & Pagemap.PRESENT) != 0 && (entry & Pagemap.FILE_OR_SHARED) == 0) {
                                kept.add(page, 1, at + (addr - cs));
                            } else if ((entry & Pagemap.SWAPPED) != 0) {
                                recheck.add(page, 1, -1);
                            }
                        });
                    } else {
                        kept.add((cs - m.start()) / PAGE, (ce - cs) / PAGE, at);
                    }
                }
                blob += (e - s);
            }
        }
        return kept;
    }

    /** Sorted page runs (start, count) relative to an area, with a blob offset each; adjacent ones merged. */
    private static final class RunList {
        long[] start = new long[16], length = new long[16], blob = new long[16];
        int count;

        long end(int i) {
            return start[i] + length[i];
        }

        void add(long s, long n, long blobOffset) {
            if (n == 0) return;
            if (count > 0 && end(count - 1) == s
                    && (blobOffset < 0 ? blob[count - 1] < 0 : blob[count - 1] + length[count - 1] * PAGE == blobOffset)) {
                length[count - 1] += n;
                return;
            }
            if (count == start.length) {
                start = java.util.Arrays.copyOf(start, count * 2);
                length = java.util.Arrays.copyOf(length, count * 2);
                blob = java.util.Arrays.copyOf(blob, count * 2);
            }
            start[count] = s;
            length[count] = n;
            blob[count++] = blobOffset;
        }

        /** The pages in either list, merged (blob offsets dropped). */
        static RunList union(RunList a, RunList b) {
            RunList out = new RunList();
            int i = 0, j = 0;
            while (i < a.count || j < b.count) {
                boolean fromA = j == b.count || i < a.count && a.start[i] <= b.start[j];
                RunList l = fromA ? a : b;
                int k = fromA ? i++ : j++;
                long s = l.start[k], e = l.end(k);
                if (out.count > 0 && s <= out.end(out.count - 1)) {
                    int last = out.count - 1;
                    out.length[last] = Math.max(out.end(last), e) - out.start[last];
                } else {
                    out.add(s, e - s, -1);
                }
            }
            return out;
        }

        long[] pairs() {
            long[] out = new long[2 * count];
            for (int i = 0; i < count; i++) {
                out[2 * i] = start[i];
                out[2 * i + 1] = length[i];
            }
            return out;
        }
    }
}
