package dev.cryo.linux.proc;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Parses /proc/PID/maps: {@code start-end perms offset major:minor inode   path}. Done with index
 * arithmetic, not regular expressions: a large process has thousands of areas.
 */
public final class MapsParser {
    private MapsParser() {}

    public static List<MapsEntry> read(int pid) throws IOException {
        return parse(Files.readString(Path.of("/proc/" + pid + "/maps")));
    }

    public static List<MapsEntry> parse(String text) {
        List<MapsEntry> out = new ArrayList<>();
        int pos = 0, n = text.length();
        while (pos < n) {
            int eol = text.indexOf('\n', pos);
            if (eol < 0) eol = n;
            if (eol > pos) out.add(parseLine(text, pos, eol));
            pos = eol + 1;
        }
        return out;
    }

    static MapsEntry parseLine(String s, int from, int to) {
        int dash = s.indexOf('-', from);
        int sp1 = s.indexOf(' ', dash);
        long start = Long.parseUnsignedLong(s, from, dash, 16);
        long end = Long.parseUnsignedLong(s, dash + 1, sp1, 16);
        int p = sp1 + 1;
        boolean r = s.charAt(p) == 'r', w = s.charAt(p + 1) == 'w', x = s.charAt(p + 2) == 'x',
                shared = s.charAt(p + 3) == 's';
        int sp2 = s.indexOf(' ', p);
        int sp3 = s.indexOf(' ', sp2 + 1);
        long offset = Long.parseUnsignedLong(s, sp2 + 1, sp3, 16);
        int colon = s.indexOf(':', sp3);
        int sp4 = s.indexOf(' ', colon);
        int major = Integer.parseInt(s, sp3 + 1, colon, 16);
        int minor = Integer.parseInt(s, colon + 1, sp4, 16);
        int sp5 = s.indexOf(' ', sp4 + 1);
        if (sp5 < 0 || sp5 > to) sp5 = to;
        long inode = Long.parseLong(s, sp4 + 1, sp5, 10);
        int q = sp5;
        while (q < to && s.charAt(q) == ' ') q++;
        return new MapsEntry(start, end, r, w, x, shared, offset, major, minor, inode, s.substring(q, to));
    }
}
