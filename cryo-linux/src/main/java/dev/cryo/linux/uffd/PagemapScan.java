package dev.cryo.linux.uffd;

import dev.cryo.linux.errno.Errno;
import dev.cryo.linux.errno.ErrnoException;
import dev.cryo.linux.syscall.SysNr;
import dev.cryo.linux.syscall.Syscall;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The PAGEMAP_SCAN ioctl on /proc/PID/pagemap (kernel 6.7+): the pages of an area written since it was
 * last write-protected through an async {@link Userfaultfd}, returned as ranges and protected again in
 * the same walk. Results go to one reused native buffer; nothing is allocated per call. One thread at a
 * time.
 */
public final class PagemapScan implements AutoCloseable {
    // _IOWR('f', 16, struct pm_scan_arg): 12 u64
    private static final long PAGEMAP_SCAN = (3L << 30) | (96L << 16) | ('f' << 8) | 16;
    private static final long WP_MATCHING = 1, CHECK_WPASYNC = 2, PAGE_IS_WRITTEN = 2;
    private static final int REGIONS = 4096, REGION = 24, O_RDONLY_CLOEXEC = 02000000;

    private final int fd;
    /** Shared: a supervisor keeps a tracker across checkpoints, each made on a tracer thread of its own. */
    private final Arena arena = Arena.ofShared();
    private final MemorySegment arg = arena.allocate(96, 8);
    private final MemorySegment vec = arena.allocate((long) REGIONS * REGION, 8);
    private final long[] regions = new long[REGIONS * 3];

    public PagemapScan(int pid) throws ErrnoException {
        MemorySegment path = arena.allocateFrom("/proc/" + pid + "/pagemap");
        this.fd = (int) Syscall.call("open /proc/" + pid + "/pagemap", SysNr.OPENAT, -100, path.address(),
                O_RDONLY_CLOEXEC, 0);
    }

    /** Receives written ranges, in address order. */
    @FunctionalInterface
    public interface RangeVisitor {
        void range(long start, long end) throws IOException;
    }

    /**
     * Reports the pages of [start, end) written since their last protection and protects them again.
     * Returns false, having done nothing, when the area is not (or no longer) registered for async
     * write-protection: it was unmapped and mapped anew, or moved, since it was registered.
     */
    public boolean collectWritten(long start, long end, RangeVisitor visitor) throws IOException {
        return collectWritten(start, end, true, visitor);
    }

    /**
     * As {@link #collectWritten(long, long, RangeVisitor)}; with {@code protect} false the pages are only
     * reported and stay unprotected (so they read as written at every scan until protected again).
     */
    public boolean collectWritten(long start, long end, boolean protect, RangeVisitor visitor) throws IOException {
        long at = start;
        while (at < end) {
            arg.set(ValueLayout.JAVA_LONG, 0, 96);
            arg.set(ValueLayout.JAVA_LONG, 8, (protect ? WP_MATCHING : 0) | CHECK_WPASYNC);
            arg.set(ValueLayout.JAVA_LONG, 16, at);
            arg.set(ValueLayout.JAVA_LONG, 24, end);
            arg.set(ValueLayout.JAVA_LONG, 32, 0);
            arg.set(ValueLayout.JAVA_LONG, 40, vec.address());
            arg.set(ValueLayout.JAVA_LONG, 48, REGIONS);
            arg.set(ValueLayout.JAVA_LONG, 56, 0);
            arg.set(ValueLayout.JAVA_LONG, 64, 0);
            arg.set(ValueLayout.JAVA_LONG, 72, PAGE_IS_WRITTEN);
            arg.set(ValueLayout.JAVA_LONG, 80, 0);
            arg.set(ValueLayout.JAVA_LONG, 88, PAGE_IS_WRITTEN);
            long n = Syscall.raw(SysNr.IOCTL, fd, PAGEMAP_SCAN, arg.address(), 0, 0, 0);
            if (n == -Errno.EPERM.number() && at == start) return false;
            if (n == -Errno.EINTR.number()) continue;
            if (n < 0) throw ErrnoException.of("ioctl(PAGEMAP_SCAN) of " + Long.toHexString(at) + "-"
                    + Long.toHexString(end), (int) -n);
            // one bulk copy into a Java array: a loop of segment reads costs more while it runs interpreted
            MemorySegment.copy(vec, ValueLayout.JAVA_LONG, 0, regions, 0, (int) n * 3);
            for (int i = 0; i < n; i++) visitor.range(regions[3 * i], regions[3 * i + 1]);
            long walkEnd = arg.get(ValueLayout.JAVA_LONG, 32);
            if (walkEnd <= at) throw new IOException("PAGEMAP_SCAN made no progress at " + Long.toHexString(at));
            at = walkEnd;
        }
        return true;
    }

    @Override
    public void close() {
        Syscall.raw(SysNr.CLOSE, fd, 0, 0, 0, 0, 0);
        arena.close();
    }
}
