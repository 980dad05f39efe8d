package dev.cryo.store.pack;

import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Exception;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4SafeDecompressor;

/**
 * Frame compression: LZ4 block format via lz4-java's pure-Java instances only (never JNI). By default the
 * "safe" instance: no sun.misc.Unsafe (which prints a warning on every JDK 24+ run) and bounds-checked.
 * {@code -Dcryo.store.lz4=fastest} selects fastestJavaInstance() for our own packs (about twice as fast;
 * the launcher then needs {@code --sun-misc-unsafe-memory-access=allow} to stay quiet). Imported streams
 * are always decoded by the safe decompressor. Frames that do not shrink are stored raw.
 */
public final class FrameCodec {
    public static final byte RAW = 0;
    public static final byte LZ4 = 1;
    public static final int MAX_FRAME = 64 * 1024;

    private static final LZ4Factory FACTORY = "fastest".equals(System.getProperty("cryo.store.lz4"))
            ? LZ4Factory.fastestJavaInstance() : LZ4Factory.safeInstance();
    private static final LZ4Compressor COMPRESSOR = FACTORY.fastCompressor();
    private static final LZ4SafeDecompressor DECOMPRESSOR = FACTORY.safeDecompressor();
    private static final LZ4SafeDecompressor UNTRUSTED = LZ4Factory.safeInstance().safeDecompressor();

    private FrameCodec() {}

    public static int maxCompressedLength(int raw) {
        return COMPRESSOR.maxCompressedLength(raw);
    }

    /** Compresses into {@code dst}; returns the compressed length. */
    public static int compress(byte[] src, int len, byte[] dst) {
        return COMPRESSOR.compress(src, 0, len, dst, 0, dst.length);
    }

    /**
     * Decodes a frame into {@code dst[0, rawLen)}.
     *
     * @throws IllegalArgumentException when the frame is damaged
     */
    public static void decode(byte codec, byte[] src, int srcLen, byte[] dst, int rawLen) {
        decode(codec, src, srcLen, dst, rawLen, DECOMPRESSOR);
    }

    /** Decodes a frame that came from outside the store (import). */
    public static void decodeUntrusted(byte codec, byte[] src, int srcLen, byte[] dst, int rawLen) {
        decode(codec, src, srcLen, dst, rawLen, UNTRUSTED);
    }

    private static void decode(byte codec, byte[] src, int srcLen, byte[] dst, int rawLen, LZ4SafeDecompressor d) {
        if (codec == RAW) {
            if (srcLen != rawLen) {
                throw new IllegalArgumentException("raw frame of " + srcLen + " bytes, expected " + rawLen);
            }
            System.arraycopy(src, 0, dst, 0, rawLen);
            return;
        }
        if (codec != LZ4) {
            throw new IllegalArgumentException("unknown codec " + codec);
        }
        try {
            int n = d.decompress(src, 0, srcLen, dst, 0, rawLen);
            if (n != rawLen) {
                throw new IllegalArgumentException("frame decompressed to " + n + " bytes, expected " + rawLen);
            }
        } catch (LZ4Exception e) {
            throw new IllegalArgumentException("frame does not decompress");
        }
    }
}
