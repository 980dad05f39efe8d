package dev.cryo.linux.proc;

import java.util.AbstractSet;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * The two-letter mnemonics of an smaps "VmFlags:" line as an immutable {@code Set<String>}, stored as one bit
 * per known mnemonic: a process can have thousands of areas, and a HashSet per area would cost more than the
 * rest of the entry. Mnemonics this table does not know (new kernels, "??") are kept in a small list, so no flag
 * is lost.
 */
public final class VmFlagSet extends AbstractSet<String> {

    /** Known mnemonics (task_mmu.c, show_smap_vma_flags). The order here is ours, not the kernel's bit order. */
    private static final String[] KNOWN = {
        "rd", "wr", "ex", "sh", "mr", "mw", "me", "ms", "gd", "pf", "dw", "lo", "io", "sr", "rr", "dc", "de",
        "ac", "nr", "ht", "sf", "nl", "ar", "wf", "dd", "bt", "sd", "mm", "hg", "nh", "mg", "um", "uw", "mt",
        "ui", "ss", "sl", "lf", "gu", "mp", "pk",
    };

    /** (a - 'a') * 26 + (b - 'a') to 1 + index in KNOWN, 0 if unknown: one array read per mnemonic. */
    private static final byte[] LOOKUP = new byte[26 * 26];

    static {
        for (int k = 0; k < KNOWN.length; k++) {
            LOOKUP[(KNOWN[k].charAt(0) - 'a') * 26 + (KNOWN[k].charAt(1) - 'a')] = (byte) (k + 1);
        }
    }

    static final VmFlagSet EMPTY = new VmFlagSet(0, List.of());

    private final long bits;
    private final List<String> unknown;

    private VmFlagSet(long bits, List<String> unknown) {
        this.bits = bits;
        this.unknown = unknown;
    }

    /** Parses the blank-separated mnemonics in {@code text[from, to)}. */
    static VmFlagSet parse(String text, int from, int to) {
        long bits = 0;
        List<String> unknown = null;
        int i = ProcText.skipBlanks(text, from, to);
        while (i < to) {
            int e = ProcText.tokenEnd(text, i, to);
            int k = e - i == 2 ? index(text.charAt(i), text.charAt(i + 1)) : -1;
            if (k >= 0) {
                bits |= 1L << k;
            } else {
                if (unknown == null) {
                    unknown = new ArrayList<>(2);
                }
                unknown.add(text.substring(i, e));
            }
            i = ProcText.skipBlanks(text, e, to);
        }
        return bits == 0 && unknown == null ? EMPTY : new VmFlagSet(bits, unknown == null ? List.of() : List.copyOf(unknown));
    }

    private static int index(char a, char b) {
        if (a < 'a' || a > 'z' || b < 'a' || b > 'z') {
            return -1;
        }
        return LOOKUP[(a - 'a') * 26 + (b - 'a')] - 1;
    }

    @Override
    public boolean contains(Object o) {
        if (o instanceof String s) {
            int k = s.length() == 2 ? index(s.charAt(0), s.charAt(1)) : -1;
            return k >= 0 ? (bits >>> k & 1) != 0 : unknown.contains(s);
        }
        return false;
    }

    @Override
    public int size() {
        return Long.bitCount(bits) + unknown.size();
    }

    @Override
    public Iterator<String> iterator() {
        return new Iterator<>() {
            private long rest = bits;
            private int u;

            @Override
            public boolean hasNext() {
                return rest != 0 || u < unknown.size();
            }

            @Override
            public String next() {
                if (rest != 0) {
                    int k = Long.numberOfTrailingZeros(rest);
                    rest &= rest - 1;
                    return KNOWN[k];
                }
                if (u < unknown.size()) {
                    return unknown.get(u++);
                }
                throw new NoSuchElementException();
            }
        };
    }
}
