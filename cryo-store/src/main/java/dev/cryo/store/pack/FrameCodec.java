package dev.cryo.store.pack;

import dev.cryo.linux.lib.Lz4;
import dev.cryo.linux.lib.Zstd;
import dev.cryo.store.Compression;
import dev.cryo.store.StoreException;
import java.lang.foreign.MemorySegment;
import net.jpountz.lz4.LZ4Exception;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4SafeDecompressor;

/**
 * Frame compression. LZ4 goes through the system's liblz4 (FFM, cryo-linux) when it is there, several
 * times faster than a pure-Java LZ4 in a short-lived JVM; lz4-java's safe (bounds-checked, Unsafe-free)
 * Java instance is the fallback, and both write and read the same block format. Zstd needs libzstd.
 * A frame that does not shrink by at least 1/16 is stored raw: the compressor is given only that much room,
 * so it gives up early on data that does not compress.
 */
public final class FrameCodec {
    public static final byte RAW = 0;
    public static final byte LZ4 = 1;
    public static final byte ZSTD = 2;
    public static final int MAX_FRAME = 64 * 1024;

    private static final boolean NATIVE_LZ4 = Lz4.available() && !Boolean.getBoolean("cryo.store.javaLz4");
    private static final LZ4Factory JAVA = LZ4Factory.safeInstance();
    private static final LZ4SafeDecompressor JAVA_DECOMPRESSOR = JAVA.safeDecompressor();

    private FrameCodec() {}

    /** Room for a compressed frame: never more than the raw frame, since larger results are stored raw. */
    public static int maxCompressedLength(int raw) {
        return raw + 64;
    }

    /** The codec byte that frames compressed with {@code c} carry. */
    public static byte codecOf(Compression c) {
        return switch (c) {
            case LZ4 -> LZ4;
            case ZSTD -> ZSTD;
            case NONE -> RAW;
        };
    }

    /** Fails with one line when {@code c} cannot be used on this machine (zstd without libzstd). */
    public static void checkAvailable(Compression c) throws StoreException {
        if (c == Compression.ZSTD && !Zstd.available()) {
            throw new StoreException("compression zstd: " + Zstd.unavailableReason()
                    + " (install libzstd1, or use --compress lz4)");
        }
    }

    /**
     * Compresses {@code src[0, len)} with {@code codec} into {@code dst}; returns the compressed length, or
     * 0 when the frame should be stored raw (it would not shrink by 1/16, or codec is RAW).
     */
    public static int compress(byte codec, byte[] src, int len, byte[] dst) {
        int room = Math.min(dst.length, len - len / 16);
        return switch (codec) {
            case LZ4 -> NATIVE_LZ4
                    ? Lz4.compress(MemorySegment.ofArray(src), len, MemorySegment.ofArray(dst), room)
                    : javaLz4(src, len, dst, room);
            case ZSTD -> Zstd.compress(MemorySegment.ofArray(src), len, MemorySegment.ofArray(dst), room);
            default -> 0;
        };
    }

    /** The same for frames in memory segments (native on the write path: no copy through the heap). */
    public static int compress(byte codec, MemorySegment src, int len, MemorySegment dst) {
        int room = (int) Math.min(dst.byteSize(), len - len / 16);
        return switch (codec) {
            case LZ4 -> NATIVE_LZ4 ? Lz4.compress(src, len, dst, room) : javaLz4(src, len, dst, room);
            case ZSTD -> Zstd.compress(src, len, dst, room);
            default -> 0;
        };
    }

    private static int javaLz4(MemorySegment src, int len, MemorySegment dst, int room) {
        byte[] out = new byte[room];
        int n = javaLz4(src.asSlice(0, len).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE), len, out, room);
        MemorySegment.copy(MemorySegment.ofArray(out), 0, dst, 0, n);
        return n;
    }

    /** Compresses with LZ4 (export streams); 0 when it would not shrink. */
    public static int compress(byte[] src, int len, byte[] dst) {
        return compress(LZ4, src, len, dst);
    }

    private static int javaLz4(byte[] src, int len, byte[] dst, int room) {
        try {
            return JAVA.fastCompressor().compress(src, 0, len, dst, 0, room);
        } catch (LZ4Exception e) {
            return 0; // does not fit in room: not worth compressing
        }
    }

    /**
     * Decodes a frame into {@code dst[0, rawLen)}. Safe on any input (imports come from outside).
     *
     * @throws IllegalArgumentException when the frame is damaged
     */
    public static void decode(byte codec, byte[] src, int srcLen, byte[] dst, int rawLen) {
        if (codec == RAW) {
            if (srcLen != rawLen) {
                throw new IllegalArgumentException("raw frame of " + srcLen + " bytes, expected " + rawLen);
            }
            System.arraycopy(src, 0, dst, 0, rawLen);
            return;
        }
        if (rawLen > dst.length || srcLen > src.length) {
            throw new IllegalArgumentException("frame of " + rawLen + " bytes is too large");
        }
        int n = switch (codec) {
            case LZ4 -> NATIVE_LZ4
                    ? Lz4.decompress(MemorySegment.ofArray(src), srcLen, MemorySegment.ofArray(dst), rawLen)
                    : javaLz4Decode(src, srcLen, dst, rawLen);
            case ZSTD -> {
                if (!Zstd.available()) {
                    throw new IllegalArgumentException("zstd frame, but " + Zstd.unavailableReason());
                }
                yield Zstd.decompress(MemorySegment.ofArray(src), srcLen, MemorySegment.ofArray(dst), rawLen);
            }
            default -> throw new IllegalArgumentException("unknown codec " + codec);
        };
        if (n < 0) {
            throw new IllegalArgumentException("frame does not decompress");
        }
        if (n != rawLen) {
            throw new IllegalArgumentException("frame decompressed to " + n + " bytes, expected " + rawLen);
        }
    }

    /**
     * Decodes the frame {@code src} (all of it) into {@code dst} (exactly its size), both native or heap:
     * the restore path decodes from mapped packs into native memory without a copy through the heap.
     *
     * @throws IllegalArgumentException when the frame is damaged
     */
    public static void decode(byte codec, MemorySegment src, MemorySegment dst) {
        int srcLen = Math.toIntExact(src.byteSize());
        int rawLen = Math.toIntExact(dst.byteSize());
        if (codec == RAW) {
            if (srcLen != rawLen) {
                throw new IllegalArgumentException("raw frame of " + srcLen + " bytes, expected " + rawLen);
            }
            MemorySegment.copy(src, 0, dst, 0, rawLen);
            return;
        }
        if (codec == LZ4 && NATIVE_LZ4 || codec == ZSTD && Zstd.available()) {
            int n = codec == LZ4 ? Lz4.decompress(src, srcLen, dst, rawLen) : Zstd.decompress(src, srcLen, dst, rawLen);
            if (n < 0) {
                throw new IllegalArgumentException("frame does not decompress");
            }
            if (n != rawLen) {
                throw new IllegalArgumentException("frame decompressed to " + n + " bytes, expected " + rawLen);
            }
            return;
        }
        byte[] raw = new byte[rawLen];
        decode(codec, src.toArray(java.lang.foreign.ValueLayout.JAVA_BYTE), srcLen, raw, rawLen);
        MemorySegment.copy(MemorySegment.ofArray(raw), 0, dst, 0, rawLen);
    }

    /** Same as {@link #decode}: kept for the import path, which names its input as untrusted. */
    public static void decodeUntrusted(byte codec, byte[] src, int srcLen, byte[] dst, int rawLen) {
        decode(codec, src, srcLen, dst, rawLen);
    }

    private static int javaLz4Decode(byte[] src, int srcLen, byte[] dst, int rawLen) {
        try {
            return JAVA_DECOMPRESSOR.decompress(src, 0, srcLen, dst, 0, rawLen);
        } catch (LZ4Exception e) {
            return -1;
        }
    }

    static boolean known(byte codec) {
        return codec == RAW || codec == LZ4 || codec == ZSTD;
    }
}
