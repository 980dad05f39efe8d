package dev.cryo.linux.mem;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;

/**
 * A page-aligned block of native memory, allocated once and reused (fresh memory costs a page fault
 * per page: a dump or restore allocates its copy buffers once and touches them before use).
 *
 * <p>Above cryo-linux it is seen as an address range and as {@link ByteBuffer} views.
 */
public final class NativeBuffer implements AutoCloseable {
    public static final int PAGE = 4096;

    private final Arena arena;       // null for a mapping
    private final MemorySegment segment;

    private NativeBuffer(long size) {
        this.arena = Arena.ofShared();
        this.segment = arena.allocate(size, PAGE);
    }

    private NativeBuffer(MemorySegment mapping) {
        this.arena = null;
        this.segment = mapping;
    }

    private static final long HUGE = 2 << 20;
    private static final int MADV_HUGEPAGE = 14, MADV_POPULATE_WRITE = 23;

    /**
     * A large buffer straight from the kernel, for holding a whole process's memory. Faulting in a fresh
     * buffer 4 KiB at a time costs more than filling it (110 ms for 256 MiB here), so it is mapped
     * 2 MiB-aligned, asks for transparent huge pages (MADV_HUGEPAGE: a 512th of the faults), and is
     * populated by the kernel in one call (MADV_POPULATE_WRITE), before the time-critical copy.
     */
    public static NativeBuffer map(long size) throws dev.cryo.linux.errno.ErrnoException {
        long len = Math.max(PAGE, (size + PAGE - 1) & -PAGE);
        if (len < HUGE) {
            long addr = mmap(len);
            populate(addr, len);
            return new NativeBuffer(MemorySegment.ofAddress(addr).reinterpret(len));
        }
        // over-map by 2 MiB, then trim, so the buffer starts on a huge-page boundary
        long raw = mmap(len + HUGE);
        long start = (raw + HUGE - 1) & -HUGE;
        if (start > raw) munmap(raw, start - raw);
        long tail = raw + len + HUGE - (start + len);
        if (tail > 0) munmap(start + len, tail);
        dev.cryo.linux.syscall.Syscall.raw(dev.cryo.linux.syscall.SysNr.MADVISE, start, len, MADV_HUGEPAGE, 0, 0, 0);
        populate(start, len);
        return new NativeBuffer(MemorySegment.ofAddress(start).reinterpret(len));
    }

    private static long mmap(long len) throws dev.cryo.linux.errno.ErrnoException {
        return dev.cryo.linux.syscall.Syscall.call("mmap (" + len + " bytes)", dev.cryo.linux.syscall.SysNr.MMAP,
                0, len, 3 /* PROT_READ|PROT_WRITE */, 0x22 /* MAP_PRIVATE|MAP_ANONYMOUS */, -1, 0);
    }

    private static void munmap(long addr, long len) {
        dev.cryo.linux.syscall.Syscall.raw(dev.cryo.linux.syscall.SysNr.MUNMAP, addr, len, 0, 0, 0, 0);
    }

    /** Faults the range in now; where MADV_POPULATE_WRITE is missing (before 5.14) the first use does it. */
    private static void populate(long addr, long len) {
        dev.cryo.linux.syscall.Syscall.raw(dev.cryo.linux.syscall.SysNr.MADVISE, addr, len, MADV_POPULATE_WRITE, 0, 0, 0);
    }

    /** Allocates {@code size} bytes (rounded up to pages); the JDK zeroes them, which also faults them in. */
    public static NativeBuffer allocate(long size) {
        return new NativeBuffer((size + PAGE - 1) & -PAGE);
    }

    public long address() {
        return segment.address();
    }

    public long size() {
        return segment.byteSize();
    }

    /** A view of [offset, offset+length); positions are relative to the view. */
    public ByteBuffer view(long offset, int length) {
        return segment.asSlice(offset, length).asByteBuffer();
    }

    /** For the other bindings of cryo-linux only. */
    public MemorySegment segment() {
        return segment;
    }

    @Override
    public void close() {
        if (arena != null) {
            arena.close();
        } else {
            munmap(segment.address(), segment.byteSize());
        }
    }
}
