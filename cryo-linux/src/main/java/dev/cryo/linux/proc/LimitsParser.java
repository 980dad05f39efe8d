package dev.cryo.linux.proc;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Parses /proc/PID/limits into {@link Rlimit}s. The file is a table with a header line and one line per resource,
 * {@code %-25s %-20s %-20s %-10s}; descriptions contain spaces, so lines are matched against the kernel's fixed
 * description table (fs/proc/base.c, lnames) rather than split on blanks.
 */
public final class LimitsParser {

    /** Description as printed, RLIMIT_* name, RLIMIT_* number (asm-generic/resource.h; x86_64 uses these). */
    private static final String[][] RESOURCES = {
        {"Max cpu time", "RLIMIT_CPU"},
        {"Max file size", "RLIMIT_FSIZE"},
        {"Max data size", "RLIMIT_DATA"},
        {"Max stack size", "RLIMIT_STACK"},
        {"Max core file size", "RLIMIT_CORE"},
        {"Max resident set", "RLIMIT_RSS"},
        {"Max processes", "RLIMIT_NPROC"},
        {"Max open files", "RLIMIT_NOFILE"},
        {"Max locked memory", "RLIMIT_MEMLOCK"},
        {"Max address space", "RLIMIT_AS"},
        {"Max file locks", "RLIMIT_LOCKS"},
        {"Max pending signals", "RLIMIT_SIGPENDING"},
        {"Max msgqueue size", "RLIMIT_MSGQUEUE"},
        {"Max nice priority", "RLIMIT_NICE"},
        {"Max realtime priority", "RLIMIT_RTPRIO"},
        {"Max realtime timeout", "RLIMIT_RTTIME"},
    }; // index = RLIMIT_* number

    public static final int RLIM_NLIMITS = RESOURCES.length;

    private LimitsParser() {
    }

    public static List<Rlimit> read(int pid) throws IOException {
        return parse(ProcText.read(ProcText.pidDir(pid).resolve("limits")));
    }

    /** The RLIMIT_* name of a resource number ("RLIMIT_NOFILE" for 7). */
    public static String name(int resource) {
        return resource >= 0 && resource < RESOURCES.length ? RESOURCES[resource][1] : "RLIMIT_" + resource;
    }

    public static List<Rlimit> parse(String text) {
        List<Rlimit> out = new ArrayList<>(RESOURCES.length);
        int length = text.length();
        int line = ProcText.lineEnd(text, 0) + 1; // the "Limit  Soft Limit  Hard Limit  Units" header
        while (line < length) {
            int eol = ProcText.lineEnd(text, line);
            if (eol > line) {
                out.add(limit(text, line, eol));
            }
            line = eol + 1;
        }
        return List.copyOf(out);
    }

    private static Rlimit limit(String text, int from, int eol) {
        int resource = -1;
        int valuesAt = -1;
        for (int r = 0; r < RESOURCES.length; r++) {
            String description = RESOURCES[r][0];
            int after = from + description.length();
            if (text.startsWith(description, from) && after < eol && ProcText.isBlank(text.charAt(after))) {
                resource = r;
                valuesAt = after;
                break;
            }
        }
        String name;
        if (resource >= 0) {
            name = RESOURCES[resource][1];
        } else {
            // A limit newer than this table: the description ends where two blanks start.
            int end = text.indexOf("  ", from);
            if (end < 0 || end > eol) {
                throw new ProcFormatException("limits: unreadable line", text, from);
            }
            name = text.substring(from, end);
            valuesAt = end;
        }
        int s = ProcText.skipBlanks(text, valuesAt, eol);
        int se = ProcText.tokenEnd(text, s, eol);
        int h = ProcText.skipBlanks(text, se, eol);
        int he = ProcText.tokenEnd(text, h, eol);
        return new Rlimit(name, resource, value(text, s, se), value(text, h, he));
    }

    private static long value(String text, int from, int to) {
        if (to - from == 9 && text.startsWith("unlimited", from)) {
            return Rlimit.INFINITY;
        }
        return ProcText.unsignedDecimal(text, from, to);
    }
}
