package dev.cryo.engine.memory;

import dev.cryo.engine.DumpSession;
import dev.cryo.linux.errno.ErrnoException;
import dev.cryo.linux.mem.NativeBuffer;
import dev.cryo.linux.uffd.PagemapScan;
import dev.cryo.linux.uffd.Userfaultfd;

import java.io.IOException;

/**
 * Which pages of a process were written since its last checkpoint, from its page tables: a userfaultfd
 * of the process in asynchronous write-protect mode (the kernel resolves the write faults itself and
 * clears the pages' protection), read and re-armed by PAGEMAP_SCAN in one call per area.
 *
 * <p>The userfaultfd is created inside the process by an injected call and pulled into ours; between
 * checkpoints someone must hold it (a {@link TrackerKeeper}, or a supervisor that holds this object),
 * since closing the last descriptor unregisters every area and the record of writes is lost.
 */
public final class DirtyTracker implements AutoCloseable {
    private final int pid;
    private final Userfaultfd uffd;
    private final PagemapScan scan;
    private final HotChunks hot;

    private DirtyTracker(int pid, Userfaultfd uffd, HotChunks hot) throws ErrnoException {
        this.pid = pid;
        this.uffd = uffd;
        this.scan = new PagemapScan(pid);
        this.hot = hot;
    }

    /**
     * Creates a userfaultfd in the frozen process (an injected call, its descriptor closed there again
     * before the process runs) and enables async write-protection on it. No area is protected yet.
     */
    public static DirtyTracker arm(DumpSession s) throws IOException {
        Userfaultfd u = RemoteUserfaultfd.create(s.injector(s.pid()), s.pid());
        try {
            u.enableAsyncWriteProtect();
            return new DirtyTracker(s.pid(), u, new HotChunks());
        } catch (ErrnoException e) {
            u.close();
            throw e;
        }
    }

    /**
     * A tracker from a userfaultfd of {@code pid} that is armed already, taken over (this object owns
     * {@code fd}); its first scan is made now, of page 0 (never mapped), so that the one in the freeze
     * finds every native binding ready. {@code hotChunks}: what {@link #hotChunks()} said when it was handed on.
     */
    public static DirtyTracker adopt(int pid, int fd, String hotChunks) throws IOException {
        Userfaultfd u = new Userfaultfd(fd);
        try {
            DirtyTracker t = new DirtyTracker(pid, u, HotChunks.decode(hotChunks));
            t.scan.collectWritten(0, NativeBuffer.PAGE, (from, to) -> { });
            return t;
        } catch (IOException e) {
            u.close();
            throw e;
        }
    }

    public int pid() {
        return pid;
    }

    /** The userfaultfd's number in this process (for handing it to a keeper). */
    public int fd() {
        return uffd.fd();
    }

    /** Which chunks were left unprotected, as text for whoever holds the tracker until the next checkpoint. */
    public String hotChunks() {
        return hot.encode();
    }

    /**
     * Reports the pages of [start, end) (one whole area) written since they were last protected, and protects
     * them again, except in {@link HotChunks hot chunks}, which are only reported (unprotected, every page
     * reads as written); chunks found written whole are unprotected now. False, having reported nothing,
     * when the area is not tracked (new, moved, or refused by the kernel).
     */
    boolean collectWritten(long start, long end, PagemapScan.RangeVisitor visitor) throws IOException {
        long first = Math.ceilDiv(start, HotChunks.CHUNK), last = end / HotChunks.CHUNK; // whole chunks inside
        if (first >= last) return scan.collectWritten(start, end, visitor);
        WholeChunks whole = new WholeChunks(first, last, visitor);
        for (long at = start; at < end; ) {
            // a stretch of chunks scanned alike: protected again (the area's edges too), or only reported
            boolean protect = protectAt(at, first, last);
            long to = Math.min(end, (at / HotChunks.CHUNK + 1) * HotChunks.CHUNK);
            while (to < end && protectAt(to, first, last) == protect) {
                to = Math.min(end, to + HotChunks.CHUNK);
            }
            if (!scan.collectWritten(at, to, protect, whole)) {
                if (at == start) return false;
                throw new IOException("area " + Long.toHexString(start) + "-" + Long.toHexString(end)
                        + " stopped being tracked during its scan");
            }
            at = to;
        }
        whole.flush();
        long from = -1; // unprotect the chunks that turned hot, a stretch at a time
        for (long c = first; c <= last; c++) {
            boolean turned = c < last && hot.scanned(c, whole.covered(c));
            if (turned && from < 0) from = c;
            if (!turned && from >= 0) {
                unprotect(from * HotChunks.CHUNK, c * HotChunks.CHUNK);
                from = -1;
            }
        }
        return true;
    }

    private boolean protectAt(long address, long first, long last) {
        long c = address / HotChunks.CHUNK;
        return c < first || c >= last || !hot.unprotected(c);
    }

    private void unprotect(long start, long end) {
        try {
            uffd.unprotect(start, end);
        } catch (ErrnoException e) {
            // still protected: its pages cost faults again, and read as written only when written
        }
    }

    /** The checkpoint's scans are over: the next one works from what they found. */
    void finishScan() {
        hot.finish();
    }

    /**
     * Passes written ranges on, and notes which whole chunks of [first, last) they cover completely (written
     * ranges arrive in address order; adjacent ones, split between calls or scans, are joined).
     */
    private static final class WholeChunks implements PagemapScan.RangeVisitor {
        private final long first, last;
        private final PagemapScan.RangeVisitor visitor;
        private final java.util.BitSet covered = new java.util.BitSet();
        private long runStart = -1, runEnd = -1;

        WholeChunks(long first, long last, PagemapScan.RangeVisitor visitor) {
            this.first = first;
            this.last = last;
            this.visitor = visitor;
        }

        @Override
        public void range(long start, long end) throws IOException {
            visitor.range(start, end);
            if (start != runEnd) {
                flush();
                runStart = start;
            }
            runEnd = end;
        }

        void flush() {
            if (runStart < 0) return;
            long from = Math.max(first, Math.ceilDiv(runStart, HotChunks.CHUNK));
            long to = Math.min(last, runEnd / HotChunks.CHUNK);
            if (from < to) covered.set((int) (from - first), (int) (to - first));
            runStart = runEnd = -1;
        }

        boolean covered(long chunk) {
            return covered.get((int) (chunk - first));
        }
    }

    /**
     * Starts tracking [start, end) (one whole area) from now on: registers and write-protects it. False if
     * the kernel refuses the area; it is then dumped whole every time.
     */
    boolean track(long start, long end) {
        if (uffd.register(start, end) != 0) return false;
        try {
            uffd.writeProtect(start, end);
            return true;
        } catch (ErrnoException e) {
            return false; // registered but unprotected: its pages read as written, so nothing is missed
        }
    }

    @Override
    public void close() {
        scan.close();
        uffd.close();
    }
}
