package dev.cryo.linux.mem;

import dev.cryo.linux.syscall.SysNr;
import dev.cryo.linux.syscall.Syscall;

import java.lang.foreign.MemorySegment;

/**
 * Fills the page tables of a mapping in one call (MADV_POPULATE_READ, Linux 5.14), instead of one page
 * fault per page, or per 16 pages with fault-around, on first touch. Best effort: on older kernels the first
 * touch does it.
 */
public final class Populate {
    private static final int MADV_POPULATE_READ = 22;

    private Populate() {}

    /** Maps every page of {@code mapping} (a file mapping: reads it in if it is not cached). */
    public static void read(MemorySegment mapping) {
        long start = mapping.address() & -NativeBuffer.PAGE;
        long end = mapping.address() + mapping.byteSize();
        if (end > start) Syscall.raw(SysNr.MADVISE, start, end - start, MADV_POPULATE_READ, 0, 0, 0);
    }
}
