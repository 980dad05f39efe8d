package dev.cryo.linux.lib;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * Zstandard through the system's libzstd (Debian: libzstd1): better ratios than LZ4 at a few times its
 * CPU cost, for stores where space matters more than checkpoint time. Segments may be heap or native.
 */
public final class Zstd {
    /** A fast level: frames are small (64 KiB) and memory pages compress well even at level 1. */
    public static final int LEVEL = 3;
    private static final NativeLibrary LIB = NativeLibrary.load("libzstd.so.1");
    private static final MethodHandle COMPRESS = LIB.critical("ZSTD_compress",
            FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.ADDRESS,
                    ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT)).orElse(null);
    private static final MethodHandle DECOMPRESS = LIB.critical("ZSTD_decompress",
            FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.ADDRESS,
                    ValueLayout.JAVA_LONG)).orElse(null);
    private static final MethodHandle IS_ERROR = LIB.critical("ZSTD_isError",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG)).orElse(null);

    private Zstd() {}

    public static boolean available() {
        return COMPRESS != null && DECOMPRESS != null && IS_ERROR != null;
    }

    /** Why zstd cannot be used here, for a one-line error. */
    public static String unavailableReason() {
        return LIB.present() ? LIB.soname() + " lacks the functions cryo needs" : LIB.soname() + " is not installed";
    }

    /** Compresses {@code src[0, len)} into {@code dst[0, dstCapacity)}; returns the length, or 0 when it does not fit. */
    public static int compress(MemorySegment src, int len, MemorySegment dst, int dstCapacity) {
        check(src, len, dst, dstCapacity);
        try {
            long n = (long) COMPRESS.invokeExact(dst, (long) dstCapacity, src, (long) len, LEVEL);
            return isError(n) ? 0 : (int) n;
        } catch (Throwable t) {
            throw new AssertionError("ZSTD_compress", t);
        }
    }

    /** Decodes one frame into {@code dst[0, dstCapacity)}; returns the decoded length, or -1 if it is malformed. */
    public static int decompress(MemorySegment src, int srcLen, MemorySegment dst, int dstCapacity) {
        check(src, srcLen, dst, dstCapacity);
        try {
            long n = (long) DECOMPRESS.invokeExact(dst, (long) dstCapacity, src, (long) srcLen);
            return isError(n) ? -1 : (int) n;
        } catch (Throwable t) {
            throw new AssertionError("ZSTD_decompress", t);
        }
    }

    private static boolean isError(long code) throws Throwable {
        return (int) IS_ERROR.invokeExact(code) != 0;
    }

    private static void check(MemorySegment src, int srcLen, MemorySegment dst, int dstCapacity) {
        if (!available()) {
            throw new IllegalStateException(unavailableReason());
        }
        if (srcLen < 0 || dstCapacity < 0 || srcLen > src.byteSize() || dstCapacity > dst.byteSize()) {
            throw new IndexOutOfBoundsException("zstd: " + srcLen + " bytes from " + src.byteSize() + ", "
                    + dstCapacity + " into " + dst.byteSize());
        }
    }
}
