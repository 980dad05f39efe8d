package dev.cryo.linux.proc;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** Parses /proc/PID/mountinfo into {@link MountInfo} records, in file order (parents before children). */
public final class MountInfoParser {

    private MountInfoParser() {
    }

    public static List<MountInfo> read(int pid) throws IOException {
        return parse(ProcText.read(ProcText.pidDir(pid).resolve("mountinfo")));
    }

    public static List<MountInfo> parse(String text) {
        List<MountInfo> out = new ArrayList<>();
        int length = text.length();
        int line = 0;
        while (line < length) {
            int eol = ProcText.lineEnd(text, line);
            if (eol > line) {
                out.add(line(text, line, eol));
            }
            line = eol + 1;
        }
        return List.copyOf(out);
    }

    private static MountInfo line(String text, int from, int eol) {
        Tokens t = new Tokens(text, from, eol);
        int mountId = (int) t.decimal();
        int parentId = (int) t.decimal();
        t.next();
        DeviceNumber dev = DeviceNumber.parse(text, t.start, t.end, 10);
        String root = t.unescaped();
        String mountPoint = t.unescaped();
        String options = t.unescaped();
        List<String> optional = new ArrayList<>(2);
        while (true) {
            if (!t.next()) {
                throw new ProcFormatException("mountinfo: no '-' separator", text, from);
            }
            if (t.end - t.start == 1 && text.charAt(t.start) == '-') {
                break;
            }
            optional.add(text.substring(t.start, t.end));
        }
        String fsType = t.unescaped();
        String source = t.unescaped();
        String superOptions = t.next() ? ProcText.unescapeOctal(text, t.start, t.end) : "";
        return new MountInfo(mountId, parentId, dev, root, mountPoint, options, List.copyOf(optional), fsType, source,
                superOptions);
    }

    /** Blank-separated tokens of one line; the kernel escapes blanks inside fields, so none is split. */
    private static final class Tokens {
        private final String text;
        private final int to;
        private int start;
        private int end;

        Tokens(String text, int from, int to) {
            this.text = text;
            this.to = to;
            this.end = from;
        }

        boolean next() {
            start = ProcText.skipBlanks(text, end, to);
            end = ProcText.tokenEnd(text, start, to);
            return start < end;
        }

        private void require() {
            if (!next()) {
                throw new ProcFormatException("mountinfo: missing field", text, start);
            }
        }

        long decimal() {
            require();
            return ProcText.decimal(text, start, end);
        }

        String unescaped() {
            require();
            return ProcText.unescapeOctal(text, start, end);
        }
    }
}
