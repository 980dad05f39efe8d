package dev.cryo.linux.syscall;

import dev.cryo.linux.errno.Errno;
import dev.cryo.linux.errno.ErrnoException;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * The raw system call: glibc's {@code syscall(2)} bound once, with six long arguments.
 *
 * <p>Everything Cryo asks of the kernel that has no better home goes through here: pointers are passed
 * as addresses, so one binding shape serves every call (ptrace, process_vm_readv, wait4, clone3...).
 * The errno of each call is captured into a per-thread segment, so concurrent callers never see each
 * other's errno.
 */
public final class Syscall {
    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CAPTURE_LAYOUT = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE_LAYOUT.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final MethodHandle SYSCALL = LINKER.downcallHandle(
            LINKER.defaultLookup().find("syscall").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG,
                    ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG,
                    ValueLayout.JAVA_LONG),
            Linker.Option.firstVariadicArg(1), Linker.Option.captureCallState("errno"));
    /** Each thread's errno slot, allocated once for the life of the thread's use of Cryo. */
    private static final ThreadLocal<MemorySegment> CAPTURE =
            ThreadLocal.withInitial(() -> Arena.global().allocate(CAPTURE_LAYOUT));

    private Syscall() {}

    /** Performs the call; returns its result, or {@code -errno} on failure (the kernel's own convention). */
    public static long raw(long nr, long a1, long a2, long a3, long a4, long a5, long a6) {
        MemorySegment capture = CAPTURE.get();
        long r;
        try {
            r = (long) SYSCALL.invokeExact(capture, nr, a1, a2, a3, a4, a5, a6);
        } catch (Throwable t) {
            throw new AssertionError("syscall downcall failed", t);
        }
        return r == -1 ? -(int) ERRNO.get(capture, 0L) : r;
    }

    /** Performs the call, retrying on EINTR; throws a typed {@link ErrnoException} named {@code what} on failure. */
    public static long call(String what, long nr, long a1, long a2, long a3, long a4, long a5, long a6)
            throws ErrnoException {
        for (;;) {
            long r = raw(nr, a1, a2, a3, a4, a5, a6);
            if (r >= 0 || r < -4095) {
                return r;
            }
            if (r != -Errno.EINTR.number()) {
                throw ErrnoException.of(what, (int) -r);
            }
        }
    }

    public static long call(String what, long nr, long a1, long a2, long a3, long a4) throws ErrnoException {
        return call(what, nr, a1, a2, a3, a4, 0, 0);
    }

    public static long call(String what, long nr, long a1, long a2, long a3) throws ErrnoException {
        return call(what, nr, a1, a2, a3, 0, 0, 0);
    }

    public static long call(String what, long nr, long a1, long a2) throws ErrnoException {
        return call(what, nr, a1, a2, 0, 0, 0, 0);
    }

    public static long call(String what, long nr, long a1) throws ErrnoException {
        return call(what, nr, a1, 0, 0, 0, 0, 0);
    }

    /** True when a raw result is an error ({@code -4095..-1}). */
    public static boolean failed(long result) {
        return result < 0 && result >= -4095;
    }
}
