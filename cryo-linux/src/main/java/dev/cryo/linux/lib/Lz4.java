package dev.cryo.linux.lib;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * LZ4 block compression through the system's liblz4 (Debian: liblz4-1, which apt itself needs). Native
 * LZ4 compresses 1-1.5 GB/s per core on memory pages and skips through incompressible data at 5 GB/s,
 * several times what a pure-Java LZ4 does in a JVM that lives for one command. Output is the standard
 * block format, so any LZ4 decoder reads it. Segments may be heap or native.
 */
public final class Lz4 {
    private static final NativeLibrary LIB = NativeLibrary.load("liblz4.so.1");
    private static final MethodHandle COMPRESS = LIB.critical("LZ4_compress_default",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_INT,
                    ValueLayout.JAVA_INT)).orElse(null);
    private static final MethodHandle DECOMPRESS = LIB.critical("LZ4_decompress_safe",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_INT,
                    ValueLayout.JAVA_INT)).orElse(null);

    private Lz4() {}

    /** True when liblz4 could be loaded; callers fall back to a Java implementation otherwise. */
    public static boolean available() {
        return COMPRESS != null && DECOMPRESS != null;
    }

    /**
     * Compresses {@code src[0, len)} into {@code dst} (at most {@code dstCapacity} bytes); returns the
     * compressed length, or 0 when it does not fit: a small capacity makes LZ4 give up early on data that
     * does not shrink.
     */
    public static int compress(MemorySegment src, int len, MemorySegment dst, int dstCapacity) {
        check(src, len, dst, dstCapacity);
        try {
            return (int) COMPRESS.invokeExact(src, dst, len, dstCapacity);
        } catch (Throwable t) {
            throw new AssertionError("LZ4_compress_default", t);
        }
    }

    /**
     * Decodes a block of {@code srcLen} bytes into {@code dst} (at most {@code dstCapacity} bytes), never
     * reading or writing outside them whatever the input; returns the decoded length, or -1 if the block
     * is malformed.
     */
    public static int decompress(MemorySegment src, int srcLen, MemorySegment dst, int dstCapacity) {
        check(src, srcLen, dst, dstCapacity);
        try {
            int n = (int) DECOMPRESS.invokeExact(src, dst, srcLen, dstCapacity);
            return n < 0 ? -1 : n;
        } catch (Throwable t) {
            throw new AssertionError("LZ4_decompress_safe", t);
        }
    }

    private static void check(MemorySegment src, int srcLen, MemorySegment dst, int dstCapacity) {
        if (!available()) {
            throw new IllegalStateException(LIB.soname() + " is not installed");
        }
        if (srcLen < 0 || dstCapacity < 0 || srcLen > src.byteSize() || dstCapacity > dst.byteSize()) {
            throw new IndexOutOfBoundsException("lz4: " + srcLen + " bytes from " + src.byteSize() + ", "
                    + dstCapacity + " into " + dst.byteSize());
        }
    }
}
