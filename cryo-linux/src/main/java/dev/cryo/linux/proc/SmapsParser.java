package dev.cryo.linux.proc;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Parses /proc/PID/smaps into {@link SmapsEntry} records, and /proc/PID/smaps_rollup into {@link SmapsRollup}.
 *
 * <p>Fast path by design: a JVM or a browser has thousands of areas of ~25 lines each. The parser walks the text
 * once with indices, matches keys in the order the kernel prints them (trying the expected key first), parses
 * numbers in place, reuses the previous area's path string when consecutive areas map the same file, and shares
 * the permission strings. Keys it does not need are skipped, so new kernel lines do no harm.
 */
public final class SmapsParser {

    /** The kB counters we keep, in the kernel's print order. Index = slot in {@link Counters}. */
    private static final String[] KEYS = {
        "Size", "Rss", "Pss", "Pss_Dirty", "Pss_Anon", "Pss_File", "Pss_Shmem", "Shared_Clean", "Shared_Dirty",
        "Private_Clean", "Private_Dirty", "Anonymous", "Swap", "SwapPss", "Locked",
    };
    private static final int SIZE = 0;
    private static final int RSS = 1;
    private static final int PSS = 2;
    private static final int PSS_DIRTY = 3;
    private static final int PSS_ANON = 4;
    private static final int PSS_FILE = 5;
    private static final int PSS_SHMEM = 6;
    private static final int SHARED_CLEAN = 7;
    private static final int SHARED_DIRTY = 8;
    private static final int PRIVATE_CLEAN = 9;
    private static final int PRIVATE_DIRTY = 10;
    private static final int ANONYMOUS = 11;
    private static final int SWAP = 12;
    private static final int SWAP_PSS = 13;
    private static final int LOCKED = 14;

    private static final String DELETED = " (deleted)";

    /** "rwxs" patterns: index bit 3 = r, 2 = w, 1 = x, 0 = shared. */
    private static final String[] PERMS = new String[16];

    static {
        for (int k = 0; k < 16; k++) {
            PERMS[k] = "" + ((k & 8) != 0 ? 'r' : '-') + ((k & 4) != 0 ? 'w' : '-') + ((k & 2) != 0 ? 'x' : '-')
                    + ((k & 1) != 0 ? 's' : 'p');
        }
    }

    private SmapsParser() {
    }

    public static List<SmapsEntry> read(int pid) throws IOException {
        return parse(ProcText.read(ProcText.pidDir(pid).resolve("smaps")));
    }

    public static SmapsRollup readRollup(int pid) throws IOException {
        return parseRollup(ProcText.read(ProcText.pidDir(pid).resolve("smaps_rollup")));
    }

    public static List<SmapsEntry> parse(String text) {
        List<SmapsEntry> out = new ArrayList<>(Math.max(16, text.length() / 1000));
        Counters c = new Counters();
        Header h = null;
        String previousPath = "";
        boolean thp = false;
        VmFlagSet flags = VmFlagSet.EMPTY;
        int length = text.length();
        int line = 0;
        while (line < length) {
            int eol = ProcText.lineEnd(text, line);
            if (eol > line) {
                if (isHeader(text.charAt(line))) {
                    if (h != null) {
                        out.add(entry(h, c, thp, flags));
                    }
                    h = header(text, line, eol, previousPath);
                    previousPath = h.path;
                    c.clear();
                    thp = false;
                    flags = VmFlagSet.EMPTY;
                } else {
                    if (h == null) {
                        throw new ProcFormatException("smaps: field before the first area", text, line);
                    }
                    int colon = ProcText.indexOf(text, ':', line, eol);
                    if (colon < 0) {
                        throw new ProcFormatException("smaps: line without ':'", text, line);
                    }
                    int v = ProcText.skipBlanks(text, colon + 1, eol);
                    if (!c.accept(text, line, colon, v, eol)) {
                        if (is(text, line, colon, "VmFlags")) {
                            flags = VmFlagSet.parse(text, v, eol);
                        } else if (is(text, line, colon, "THPeligible")) {
                            thp = v < eol && text.charAt(v) == '1';
                        }
                    }
                }
            }
            line = eol + 1;
        }
        if (h != null) {
            out.add(entry(h, c, thp, flags));
        }
        return out;
    }

    public static SmapsRollup parseRollup(String text) {
        int eol = ProcText.lineEnd(text, 0);
        if (eol == 0 || !isHeader(text.charAt(0))) {
            throw new ProcFormatException("smaps_rollup: no header line", text, 0);
        }
        Header h = header(text, 0, eol, "");
        Counters c = new Counters();
        int line = eol + 1;
        while (line < text.length()) {
            eol = ProcText.lineEnd(text, line);
            int colon = ProcText.indexOf(text, ':', line, eol);
            if (colon > line) {
                c.accept(text, line, colon, ProcText.skipBlanks(text, colon + 1, eol), eol);
            }
            line = eol + 1;
        }
        long[] v = c.bytes;
        return new SmapsRollup(h.start, h.end, v[RSS], v[PSS], v[PSS_DIRTY], v[PSS_ANON], v[PSS_FILE],
                v[PSS_SHMEM], v[SHARED_CLEAN], v[SHARED_DIRTY], v[PRIVATE_CLEAN], v[PRIVATE_DIRTY], v[ANONYMOUS],
                v[SWAP], v[SWAP_PSS], v[LOCKED]);
    }

    /** Area headers start with a lowercase hex address; field keys start with an uppercase letter. */
    private static boolean isHeader(char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
    }

    private static boolean is(String text, int from, int to, String key) {
        return to - from == key.length() && text.startsWith(key, from);
    }

    private static SmapsEntry entry(Header h, Counters c, boolean thp, VmFlagSet flags) {
        long[] v = c.bytes;
        return new SmapsEntry(h.start, h.end, h.perms, h.offset, h.inode, h.path, h.deleted, v[SIZE], v[RSS],
                v[PSS], v[SHARED_CLEAN], v[SHARED_DIRTY], v[PRIVATE_CLEAN], v[PRIVATE_DIRTY], v[ANONYMOUS],
                v[SWAP], v[LOCKED], thp, flags);
    }

    private record Header(long start, long end, String perms, long offset, long inode, String path,
                          boolean deleted) {
    }

    /** "start-end perms offset major:minor inode [path]", the same line as in /proc/PID/maps. */
    private static Header header(String text, int from, int eol, String previousPath) {
        int dash = ProcText.indexOf(text, '-', from, eol);
        int e = ProcText.tokenEnd(text, from, eol);
        if (dash < 0 || dash > e) {
            throw new ProcFormatException("smaps: bad address range", text, from);
        }
        long start = ProcText.hex(text, from, dash);
        long end = ProcText.hex(text, dash + 1, e);

        int p = ProcText.skipBlanks(text, e, eol);
        int pe = ProcText.tokenEnd(text, p, eol);
        String perms = perms(text, p, pe);

        int o = ProcText.skipBlanks(text, pe, eol);
        int oe = ProcText.tokenEnd(text, o, eol);
        long offset = ProcText.hex(text, o, oe);

        int d = ProcText.skipBlanks(text, oe, eol);
        int de = ProcText.tokenEnd(text, d, eol);

        int n = ProcText.skipBlanks(text, de, eol);
        int ne = ProcText.tokenEnd(text, n, eol);
        long inode = ProcText.decimal(text, n, ne);

        int s = ProcText.skipBlanks(text, ne, eol);
        int se = eol;
        boolean deleted = se - s > DELETED.length() && text.startsWith(DELETED, se - DELETED.length());
        if (deleted) {
            se -= DELETED.length();
        }
        String path;
        if (s == se) {
            path = "";
        } else if (se - s == previousPath.length() && text.startsWith(previousPath, s)) {
            path = previousPath; // consecutive areas of one file: share the string
        } else {
            path = ProcText.unescapeNewlines(text, s, se);
        }
        return new Header(start, end, perms, offset, inode, path, deleted);
    }

    private static String perms(String text, int from, int to) {
        if (to - from == 4) {
            char r = text.charAt(from);
            char w = text.charAt(from + 1);
            char x = text.charAt(from + 2);
            char s = text.charAt(from + 3);
            if ((r == 'r' || r == '-') && (w == 'w' || w == '-') && (x == 'x' || x == '-') && (s == 's' || s == 'p')) {
                return PERMS[(r == 'r' ? 8 : 0) | (w == 'w' ? 4 : 0) | (x == 'x' ? 2 : 0) | (s == 's' ? 1 : 0)];
            }
        }
        throw new ProcFormatException("smaps: bad permissions", text, from);
    }

    /** The kB counters of one area, reused from area to area. */
    private static final class Counters {
        private final long[] bytes = new long[KEYS.length];
        private int expected;

        void clear() {
            java.util.Arrays.fill(bytes, 0);
            expected = 0;
        }

        /** Stores "Key: N kB" if Key is one we keep; false otherwise. */
        boolean accept(String text, int key, int colon, int value, int eol) {
            int k = find(text, key, colon);
            if (k < 0) {
                return false;
            }
            expected = k + 1;
            bytes[k] = ProcText.decimal(text, value, ProcText.tokenEnd(text, value, eol)) * 1024;
            return true;
        }

        private int find(String text, int from, int to) {
            if (expected < KEYS.length && is(text, from, to, KEYS[expected])) {
                return expected;
            }
            for (int k = 0; k < KEYS.length; k++) {
                if (is(text, from, to, KEYS[k])) {
                    return k;
                }
            }
            return -1;
        }
    }
}
