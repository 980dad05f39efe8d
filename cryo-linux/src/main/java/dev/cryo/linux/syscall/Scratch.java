package dev.cryo.linux.syscall;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Per-thread native scratch memory for the small structs that system calls read and write
 * (registers, xsave areas, siginfo, iovecs). Allocated once per thread, so the bindings allocate
 * nothing per call. A binding uses it only for the duration of one call and never hands it out.
 */
public final class Scratch {
    public static final int SIZE = 64 * 1024;
    private static final ThreadLocal<MemorySegment> SEGMENT =
            ThreadLocal.withInitial(() -> Arena.global().allocate(SIZE, 4096));

    private Scratch() {}

    public static MemorySegment get() {
        return SEGMENT.get();
    }
}
