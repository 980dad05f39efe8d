package dev.cryo.linux.lib;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * XXH3-128 through the system's libxxhash (Debian: libxxhash0, which apt itself needs): vectorized
 * (SSE2/AVX2), and fast from the first call, where a Java loop in a JVM that lives for one command runs
 * interpreted until the JIT has compiled it. Callers keep a Java implementation for machines without it.
 */
public final class XxHash {
    private static final StructLayout HASH128 = MemoryLayout.structLayout(ValueLayout.JAVA_LONG.withName("low64"),
            ValueLayout.JAVA_LONG.withName("high64"));
    private static final NativeLibrary LIB = NativeLibrary.load("libxxhash.so.0");
    private static final MethodHandle XXH3_128 = LIB.critical("XXH3_128bits",
            FunctionDescriptor.of(HASH128, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG)).orElse(null);
    /** The same function taking the input as a plain address: no segment to build per call (restore hashes every page). */
    private static final MethodHandle XXH3_128_AT = LIB.critical("XXH3_128bits",
            FunctionDescriptor.of(HASH128, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG)).orElse(null);

    /** Where each thread's calls return their 16 bytes (a struct returned by value needs a place). */
    private static final ThreadLocal<Slot> SLOT = ThreadLocal.withInitial(Slot::new);

    private static final class Slot implements SegmentAllocator {
        final MemorySegment result = Arena.global().allocate(HASH128);

        @Override
        public MemorySegment allocate(long byteSize, long byteAlignment) {
            return result;
        }
    }

    private XxHash() {}

    public static boolean available() {
        return XXH3_128 != null && !Boolean.getBoolean("cryo.javaXxh3");
    }

    /** XXH3-128 (seed 0) of {@code src[off, off+len)}; low 64 bits to {@code out[at]}, high to {@code out[at+1]}. */
    public static void hash128(MemorySegment src, long off, long len, long[] out, int at) {
        MemorySegment data = src.asSlice(off, len);
        Slot slot = SLOT.get();
        MemorySegment r;
        try {
            r = (MemorySegment) XXH3_128.invokeExact((SegmentAllocator) slot, data, len);
        } catch (Throwable t) {
            throw new AssertionError("XXH3_128bits", t);
        }
        out[at] = r.get(ValueLayout.JAVA_LONG, 0);
        out[at + 1] = r.get(ValueLayout.JAVA_LONG, 8);
    }

    /**
     * XXH3-128 of the {@code len} bytes of native memory at {@code address}, which the caller guarantees are
     * mapped and readable (memory it holds mapped). Cheaper per call than the segment form.
     */
    public static void hash128(long address, long len, long[] out, int at) {
        MemorySegment r;
        try {
            r = (MemorySegment) XXH3_128_AT.invokeExact((SegmentAllocator) SLOT.get(), address, len);
        } catch (Throwable t) {
            throw new AssertionError("XXH3_128bits", t);
        }
        out[at] = r.get(ValueLayout.JAVA_LONG, 0);
        out[at + 1] = r.get(ValueLayout.JAVA_LONG, 8);
    }
}
