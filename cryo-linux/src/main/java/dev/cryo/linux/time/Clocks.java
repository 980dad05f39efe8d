package dev.cryo.linux.time;

import dev.cryo.linux.errno.ErrnoException;
import dev.cryo.linux.syscall.Scratch;
import dev.cryo.linux.syscall.SysNr;
import dev.cryo.linux.syscall.Syscall;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** The kernel's clocks by id (CLOCK_REALTIME 0, CLOCK_MONOTONIC 1, CLOCK_BOOTTIME 7...), which Java does not name. */
public final class Clocks {
    private Clocks() {}

    /** clock_gettime of clock {@code clockId}, in nanoseconds. */
    public static long now(int clockId) throws ErrnoException {
        MemorySegment s = Scratch.get();
        Syscall.call("clock_gettime(" + clockId + ")", SysNr.CLOCK_GETTIME, clockId, s.address());
        return s.get(ValueLayout.JAVA_LONG, 0) * 1_000_000_000L + s.get(ValueLayout.JAVA_LONG, 8);
    }
}
