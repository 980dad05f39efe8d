package dev.cryo.store.chunk;

import dev.cryo.linux.lib.XxHash;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * XXH3-128 (seed 0, default secret). Inputs longer than 240 bytes (pages) go to the system's libxxhash
 * when it is there ({@link XxHash}: vectorized, and fast before the JIT has warmed up); everything else,
 * and everything on machines without it ({@code -Dcryo.javaXxh3=true} forces this), is computed here in
 * plain Java. Bit-for-bit the reference algorithm
 * (checked against net.openhft zero-allocation-hashing in the tests); written here because that library
 * reaches for sun.misc.Unsafe (a warning on every JDK 24+ run) and cannot hash direct buffers without
 * --add-exports. Allocation-free: results go to a caller's long[].
 */
public final class Xxh3 {
    private static final boolean NATIVE = XxHash.available();
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong LE_LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

    private static final long P32_1 = 0x9E3779B1L;
    private static final long P32_2 = 0x85EBCA77L;
    private static final long P32_3 = 0xC2B2AE3DL;
    private static final long P64_1 = 0x9E3779B185EBCA87L;
    private static final long P64_2 = 0xC2B2AE3D27D4EB4FL;
    private static final long P64_3 = 0x165667B19E3779F9L;
    private static final long P64_4 = 0x85EBCA77C2B2AE63L;
    private static final long P64_5 = 0x27D4EB2F165667C5L;
    private static final long PMX1 = 0x165667919E3779F9L;
    private static final long PMX2 = 0x9FB21C651E98DF25L;

    private static final byte[] SECRET = bytes(
            0xb8, 0xfe, 0x6c, 0x39, 0x23, 0xa4, 0x4b, 0xbe, 0x7c, 0x01, 0x81, 0x2c, 0xf7, 0x21, 0xad, 0x1c,
            0xde, 0xd4, 0x6d, 0xe9, 0x83, 0x90, 0x97, 0xdb, 0x72, 0x40, 0xa4, 0xa4, 0xb7, 0xb3, 0x67, 0x1f,
            0xcb, 0x79, 0xe6, 0x4e, 0xcc, 0xc0, 0xe5, 0x78, 0x82, 0x5a, 0xd0, 0x7d, 0xcc, 0xff, 0x72, 0x21,
            0xb8, 0x08, 0x46, 0x74, 0xf7, 0x43, 0x24, 0x8e, 0xe0, 0x35, 0x90, 0xe6, 0x81, 0x3a, 0x26, 0x4c,
            0x3c, 0x28, 0x52, 0xbb, 0x91, 0xc3, 0x00, 0xcb, 0x88, 0xd0, 0x65, 0x8b, 0x1b, 0x53, 0x2e, 0xa3,
            0x71, 0x64, 0x48, 0x97, 0xa2, 0x0d, 0xf9, 0x4e, 0x38, 0x19, 0xef, 0x46, 0xa9, 0xde, 0xac, 0xd8,
            0xa8, 0xfa, 0x76, 0x3f, 0xe3, 0x9c, 0x34, 0x3f, 0xf9, 0xdc, 0xbb, 0xc7, 0xc7, 0x0b, 0x4f, 0x1d,
            0x8a, 0x51, 0xe0, 0x4b, 0xcd, 0xb4, 0x59, 0x31, 0xc8, 0x9f, 0x7e, 0xc9, 0xd9, 0x78, 0x73, 0x64,
            0xea, 0xc5, 0xac, 0x83, 0x34, 0xd3, 0xeb, 0xc3, 0xc5, 0x81, 0xa0, 0xff, 0xfa, 0x13, 0x63, 0xeb,
            0x17, 0x0d, 0xdd, 0x51, 0xb7, 0xf0, 0xda, 0x49, 0xd3, 0x16, 0x55, 0x26, 0x29, 0xd4, 0x68, 0x9e,
            0x2b, 0x16, 0xbe, 0x58, 0x7d, 0x47, 0xa1, 0xfc, 0x8f, 0xf8, 0xb8, 0xd1, 0x7a, 0xd0, 0x31, 0xce,
            0x45, 0xcb, 0x3a, 0x8f, 0x95, 0x16, 0x04, 0x28, 0xaf, 0xd7, 0xfb, 0xca, 0xbb, 0x4b, 0x40, 0x7e);
    private static final int SECRET_SIZE = 192;
    private static final int STRIPES_PER_BLOCK = (SECRET_SIZE - 64) / 8;
    private static final int BLOCK_LEN = 64 * STRIPES_PER_BLOCK;
    // The secret read as a little-endian long at every byte offset, once.
    private static final long[] SECRET_AT_BYTE = new long[SECRET_SIZE - 7];

    static {
        for (int i = 0; i < SECRET_AT_BYTE.length; i++) {
            SECRET_AT_BYTE[i] = (long) LONG.get(SECRET, i);
        }
    }

    private Xxh3() {}

    private static byte[] bytes(int... v) {
        byte[] b = new byte[v.length];
        for (int i = 0; i < v.length; i++) {
            b[i] = (byte) v[i];
        }
        return b;
    }

    private static long s64(int off) {
        return SECRET_AT_BYTE[off];
    }

    private static long s32(int off) {
        return (int) INT.get(SECRET, off) & 0xFFFFFFFFL;
    }

    private static long r64(byte[] b, int off) {
        return (long) LONG.get(b, off);
    }

    private static long r32(byte[] b, int off) {
        return (int) INT.get(b, off) & 0xFFFFFFFFL;
    }

    /** Hashes {@code b[off, off+len)}; stores the low 64 bits at {@code out[at]} and the high at {@code out[at+1]}. */
    public static void hash128(byte[] b, int off, int len, long[] out, int at) {
        java.util.Objects.checkFromIndexSize(off, len, b.length);
        if (len <= 16) {
            len0to16(b, off, len, out, at);
        } else if (len <= 128) {
            len17to128(b, off, len, out, at);
        } else if (len <= 240) {
            len129to240(b, off, len, out, at);
        } else if (NATIVE) {
            XxHash.hash128(MemorySegment.ofArray(b), off, len, out, at);
        } else {
            hashLong(MemorySegment.ofArray(b), off, len, out, at);
        }
    }

    /**
     * Hashes {@code len} bytes of a heap or native segment at {@code off} in place (pages are hashed where
     * the dump copied them, without another copy).
     */
    /**
     * The hash of {@code len} bytes of native memory at {@code address}, which must stay mapped and readable
     * for the call (the restore hashes pages where they lie, in mapped packs).
     */
    public static void hash128(long address, int len, long[] out, int at) {
        if (len > 240 && NATIVE) {
            XxHash.hash128(address, len, out, at);
        } else {
            hash128(MemorySegment.ofAddress(address).reinterpret(len), 0, len, out, at);
        }
    }

    public static void hash128(MemorySegment b, long off, int len, long[] out, int at) {
        java.util.Objects.checkFromIndexSize(off, len, b.byteSize());
        if (len > 240 && NATIVE) {
            XxHash.hash128(b, off, len, out, at);
        } else if (len > 240) {
            hashLong(b, off, len, out, at);
        } else {
            byte[] small = new byte[len];
            MemorySegment.copy(b, ValueLayout.JAVA_BYTE, off, small, 0, len);
            hash128(small, 0, len, out, at);
        }
    }

    /** The plain-Java computation whatever the input length (tests hold it to the native one). */
    static void javaHash128(byte[] b, int off, int len, long[] out, int at) {
        if (len > 240) {
            hashLong(MemorySegment.ofArray(b), off, len, out, at);
        } else {
            hash128(b, off, len, out, at);
        }
    }

    private static long avalanche(long h) {
        h ^= h >>> 37;
        h *= PMX1;
        return h ^ (h >>> 32);
    }

    private static long avalanche64(long h) {
        h ^= h >>> 33;
        h *= P64_2;
        h ^= h >>> 29;
        h *= P64_3;
        return h ^ (h >>> 32);
    }

    private static long fold(long a, long b) {
        return a * b ^ Math.unsignedMultiplyHigh(a, b);
    }

    private static void len0to16(byte[] b, int off, int len, long[] out, int at) {
        if (len > 8) {
            long bitflipl = s64(32) ^ s64(40);
            long bitfliph = s64(48) ^ s64(56);
            long lo = r64(b, off);
            long hi = r64(b, off + len - 8);
            long x = lo ^ hi ^ bitflipl;
            long mLo = x * P64_1;
            long mHi = Math.unsignedMultiplyHigh(x, P64_1);
            mLo += (long) (len - 1) << 54;
            hi ^= bitfliph;
            mHi += hi + (hi & 0xFFFFFFFFL) * (P32_2 - 1);
            mLo ^= Long.reverseBytes(mHi);
            long hLo = mLo * P64_2;
            long hHi = Math.unsignedMultiplyHigh(mLo, P64_2) + mHi * P64_2;
            out[at] = avalanche(hLo);
            out[at + 1] = avalanche(hHi);
        } else if (len >= 4) {
            long lo = r32(b, off);
            long hi = r32(b, off + len - 4);
            long in64 = lo + (hi << 32);
            long keyed = in64 ^ (s64(16) ^ s64(24));
            long m = P64_1 + ((long) len << 2);
            long mLo = keyed * m;
            long mHi = Math.unsignedMultiplyHigh(keyed, m);
            mHi += mLo << 1;
            mLo ^= mHi >>> 3;
            mLo ^= mLo >>> 35;
            mLo *= PMX2;
            mLo ^= mLo >>> 28;
            out[at] = mLo;
            out[at + 1] = avalanche(mHi);
        } else if (len > 0) {
            int c1 = b[off] & 0xFF;
            int c2 = b[off + (len >> 1)] & 0xFF;
            int c3 = b[off + len - 1] & 0xFF;
            int combinedl = (c1 << 16) | (c2 << 24) | c3 | (len << 8);
            int combinedh = Integer.rotateLeft(Integer.reverseBytes(combinedl), 13);
            long bitflipl = s32(0) ^ s32(4);
            long bitfliph = s32(8) ^ s32(12);
            out[at] = avalanche64((combinedl & 0xFFFFFFFFL) ^ bitflipl);
            out[at + 1] = avalanche64((combinedh & 0xFFFFFFFFL) ^ bitfliph);
        } else {
            out[at] = avalanche64(s64(64) ^ s64(72));
            out[at + 1] = avalanche64(s64(80) ^ s64(88));
        }
    }

    private static long mix16(byte[] b, int off, int secret, long seed) {
        return fold(r64(b, off) ^ (s64(secret) + seed), r64(b, off + 8) ^ (s64(secret + 8) - seed));
    }

    private static void finish128(long accLo, long accHi, int len, long[] out, int at) {
        long lo = accLo + accHi;
        long hi = accLo * P64_1 + accHi * P64_4 + (long) len * P64_2;
        out[at] = avalanche(lo);
        out[at + 1] = -avalanche(hi);
    }

    private static void len17to128(byte[] b, int off, int len, long[] out, int at) {
        long accLo = len * P64_1;
        long accHi = 0;
        int end = off + len;
        if (len > 32) {
            if (len > 64) {
                if (len > 96) {
                    accLo += mix16(b, off + 48, 96, 0);
                    accLo ^= r64(b, end - 64) + r64(b, end - 56);
                    accHi += mix16(b, end - 64, 112, 0);
                    accHi ^= r64(b, off + 48) + r64(b, off + 56);
                }
                accLo += mix16(b, off + 32, 64, 0);
                accLo ^= r64(b, end - 48) + r64(b, end - 40);
                accHi += mix16(b, end - 48, 80, 0);
                accHi ^= r64(b, off + 32) + r64(b, off + 40);
            }
            accLo += mix16(b, off + 16, 32, 0);
            accLo ^= r64(b, end - 32) + r64(b, end - 24);
            accHi += mix16(b, end - 32, 48, 0);
            accHi ^= r64(b, off + 16) + r64(b, off + 24);
        }
        accLo += mix16(b, off, 0, 0);
        accLo ^= r64(b, end - 16) + r64(b, end - 8);
        accHi += mix16(b, end - 16, 16, 0);
        accHi ^= r64(b, off) + r64(b, off + 8);
        finish128(accLo, accHi, len, out, at);
    }

    private static void len129to240(byte[] b, int off, int len, long[] out, int at) {
        int rounds = len / 32;
        long accLo = len * P64_1;
        long accHi = 0;
        for (int i = 0; i < 4; i++) {
            int p = off + 32 * i;
            accLo += mix16(b, p, 32 * i, 0);
            accLo ^= r64(b, p + 16) + r64(b, p + 24);
            accHi += mix16(b, p + 16, 32 * i + 16, 0);
            accHi ^= r64(b, p) + r64(b, p + 8);
        }
        accLo = avalanche(accLo);
        accHi = avalanche(accHi);
        for (int i = 4; i < rounds; i++) {
            int p = off + 32 * i;
            int s = 3 + 32 * (i - 4);
            accLo += mix16(b, p, s, 0);
            accLo ^= r64(b, p + 16) + r64(b, p + 24);
            accHi += mix16(b, p + 16, s + 16, 0);
            accHi ^= r64(b, p) + r64(b, p + 8);
        }
        int end = off + len;
        int s = 136 - 17 - 16;
        // last 32 bytes, with the seed negated (0 here) and the halves swapped
        accLo += mix16(b, end - 16, s, 0);
        accLo ^= r64(b, end - 32) + r64(b, end - 24);
        accHi += mix16(b, end - 32, s + 16, 0);
        accHi ^= r64(b, end - 16) + r64(b, end - 8);
        finish128(accLo, accHi, len, out, at);
    }

    private static long r64(MemorySegment b, long off) {
        return b.get(LE_LONG, off);
    }

    private static void hashLong(MemorySegment b, long off, int len, long[] out, int at) {
        long a0 = P32_3, a1 = P64_1, a2 = P64_2, a3 = P64_3, a4 = P64_4, a5 = P32_2, a6 = P64_5, a7 = P32_1;
        final long[] sec = SECRET_AT_BYTE;
        int blocks = (len - 1) / BLOCK_LEN;
        int tailStripes = ((len - 1) - BLOCK_LEN * blocks) / 64;
        // Written for the JIT: every stripe is the same straight-line code over locals (accumulators stay in
        // registers), the secret index is 8 * stripe in a counted loop (no modulo, bounds checks hoisted).
        // The stripes of a block, then those of the partial block, then the last 64 bytes (its own secret).
        for (int bl = 0; bl <= blocks; bl++) {
            int stripes = bl < blocks ? STRIPES_PER_BLOCK : tailStripes + 1;
            long base = off + (long) bl * BLOCK_LEN;
            for (int st = 0; st < stripes; st++) {
                long p;
                int k;
                if (bl == blocks && st == stripes - 1) {
                    p = off + len - 64;
                    k = SECRET_SIZE - 64 - 7;
                } else {
                    p = base + st * 64L;
                    k = st * 8;
                }
                long d0 = r64(b, p), d1 = r64(b, p + 8), d2 = r64(b, p + 16), d3 = r64(b, p + 24);
                long d4 = r64(b, p + 32), d5 = r64(b, p + 40), d6 = r64(b, p + 48), d7 = r64(b, p + 56);
                long k0 = d0 ^ sec[k], k1 = d1 ^ sec[k + 8], k2 = d2 ^ sec[k + 16], k3 = d3 ^ sec[k + 24];
                long k4 = d4 ^ sec[k + 32], k5 = d5 ^ sec[k + 40], k6 = d6 ^ sec[k + 48], k7 = d7 ^ sec[k + 56];
                a0 += d1 + (k0 & 0xFFFFFFFFL) * (k0 >>> 32);
                a1 += d0 + (k1 & 0xFFFFFFFFL) * (k1 >>> 32);
                a2 += d3 + (k2 & 0xFFFFFFFFL) * (k2 >>> 32);
                a3 += d2 + (k3 & 0xFFFFFFFFL) * (k3 >>> 32);
                a4 += d5 + (k4 & 0xFFFFFFFFL) * (k4 >>> 32);
                a5 += d4 + (k5 & 0xFFFFFFFFL) * (k5 >>> 32);
                a6 += d7 + (k6 & 0xFFFFFFFFL) * (k6 >>> 32);
                a7 += d6 + (k7 & 0xFFFFFFFFL) * (k7 >>> 32);
            }
            if (bl < blocks) {
                int sc = SECRET_SIZE - 64;
                a0 = scramble(a0, sec[sc]);
                a1 = scramble(a1, sec[sc + 8]);
                a2 = scramble(a2, sec[sc + 16]);
                a3 = scramble(a3, sec[sc + 24]);
                a4 = scramble(a4, sec[sc + 32]);
                a5 = scramble(a5, sec[sc + 40]);
                a6 = scramble(a6, sec[sc + 48]);
                a7 = scramble(a7, sec[sc + 56]);
            }
        }
        out[at] = merge(a0, a1, a2, a3, a4, a5, a6, a7, 11, len * P64_1);
        out[at + 1] = merge(a0, a1, a2, a3, a4, a5, a6, a7, SECRET_SIZE - 64 - 11, ~(len * P64_2));
    }

    private static long scramble(long acc, long key) {
        acc ^= acc >>> 47;
        acc ^= key;
        return acc * P32_1;
    }

    private static long merge(long a0, long a1, long a2, long a3, long a4, long a5, long a6, long a7, int s,
            long start) {
        long r = start;
        r += fold(a0 ^ s64(s), a1 ^ s64(s + 8));
        r += fold(a2 ^ s64(s + 16), a3 ^ s64(s + 24));
        r += fold(a4 ^ s64(s + 32), a5 ^ s64(s + 40));
        r += fold(a6 ^ s64(s + 48), a7 ^ s64(s + 56));
        return avalanche(r);
    }
}
