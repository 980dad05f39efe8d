package dev.cryo.linux.proc;

import java.io.IOException;

/**
 * Parses /proc/PID/stat and /proc/PID/task/TID/stat into {@link ProcStat}.
 *
 * <p>The command name sits between the first '(' and the <em>last</em> ')' of the line: it is raw and may itself
 * contain ") " or a newline, and no later field contains ')'. Fields after 52 (none today) are ignored; fields a
 * kernel does not print yet read as 0.
 */
public final class StatParser {

    /** Number of fields after comm that ProcStat needs (fields 3..52). */
    private static final int TAIL_FIELDS = 50;

    private StatParser() {
    }

    public static ProcStat read(int pid) throws IOException {
        return parse(ProcText.read(ProcText.pidDir(pid).resolve("stat")));
    }

    public static ProcStat read(int pid, int tid) throws IOException {
        return parse(ProcText.read(ProcText.taskDir(pid, tid).resolve("stat")));
    }

    public static ProcStat parse(String text) {
        int open = text.indexOf('(');
        int close = text.lastIndexOf(')');
        if (open < 1 || close < open) {
            throw new ProcFormatException("stat: no (comm)", text, 0);
        }
        int pid = (int) ProcText.decimal(text, 0, ProcText.tokenEnd(text, 0, open));
        String comm = text.substring(open + 1, close);

        // Token boundaries of fields 3..52, found in one pass.
        int[] start = new int[TAIL_FIELDS];
        int[] end = new int[TAIL_FIELDS];
        int n = 0;
        int to = text.length();
        int i = close + 1;
        while (n < TAIL_FIELDS) {
            while (i < to && Character.isWhitespace(text.charAt(i))) {
                i++;
            }
            if (i >= to) {
                break;
            }
            start[n] = i;
            while (i < to && !Character.isWhitespace(text.charAt(i))) {
                i++;
            }
            end[n++] = i;
        }
        if (n < 20) {
            throw new ProcFormatException("stat: only " + n + " fields after comm", text, close);
        }
        Fields f = new Fields(text, start, end, n);
        return new ProcStat(
                pid, comm, text.charAt(start[0]),
                f.i(4), f.i(5), f.i(6), f.i(7), f.i(8),
                f.u(9), f.u(10), f.u(12), f.u(14), f.u(15),
                f.l(18), f.l(19), f.i(20), f.u(22), f.u(23), f.l(24), f.u(25),
                f.u(26), f.u(27), f.u(28),
                f.i(38), f.i(39), f.i(40), f.i(41),
                f.u(45), f.u(46), f.u(47), f.u(48), f.u(49), f.u(50), f.u(51),
                f.i(52));
    }

    /** Field access by proc(5) number; a field the kernel did not print reads as 0. */
    private record Fields(String text, int[] start, int[] end, int count) {
        private long u(int field) {
            int k = field - 3;
            return k < count ? ProcText.unsignedDecimal(text, start[k], end[k]) : 0;
        }

        private long l(int field) {
            int k = field - 3;
            return k < count ? ProcText.decimal(text, start[k], end[k]) : 0;
        }

        private int i(int field) {
            return (int) l(field);
        }
    }
}
