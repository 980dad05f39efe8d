package dev.cryo.store.chunk;

/**
 * An open-addressing set of 128-bit keys in two long arrays: no object per key, so a million keys cost
 * 32 MiB and no garbage. (0, 0) is the empty slot (it is also the reserved zero-page key). Not thread-safe.
 */
public final class KeySet {
    private long[] lo;
    private long[] hi;
    private int size;
    private int mask;

    public KeySet(int expected) {
        int cap = Integer.highestOneBit(Math.max(16, expected * 2 - 1)) << 1;
        lo = new long[cap];
        hi = new long[cap];
        mask = cap - 1;
    }

    static int slot(long lo, long hi, int mask) {
        long h = lo ^ (hi * 0x9E3779B97F4A7C15L);
        return (int) (h ^ (h >>> 29)) & mask;
    }

    public int size() {
        return size;
    }

    public boolean contains(long l, long h) {
        for (int i = slot(l, h, mask); ; i = (i + 1) & mask) {
            if (lo[i] == l && hi[i] == h) {
                return true;
            }
            if (lo[i] == 0 && hi[i] == 0) {
                return false;
            }
        }
    }

    /** Adds the key; false if it was already there. */
    public boolean add(long l, long h) {
        if (l == 0 && h == 0) {
            return false;
        }
        for (int i = slot(l, h, mask); ; i = (i + 1) & mask) {
            if (lo[i] == l && hi[i] == h) {
                return false;
            }
            if (lo[i] == 0 && hi[i] == 0) {
                lo[i] = l;
                hi[i] = h;
                if (++size * 2 > lo.length) {
                    grow();
                }
                return true;
            }
        }
    }

    private void grow() {
        long[] ol = lo;
        long[] oh = hi;
        lo = new long[ol.length * 2];
        hi = new long[ol.length * 2];
        mask = lo.length - 1;
        for (int j = 0; j < ol.length; j++) {
            if (ol[j] != 0 || oh[j] != 0) {
                int i = slot(ol[j], oh[j], mask);
                while (lo[i] != 0 || hi[i] != 0) {
                    i = (i + 1) & mask;
                }
                lo[i] = ol[j];
                hi[i] = oh[j];
            }
        }
    }
}
