package dev.cryo.linux.proc;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Index arithmetic over /proc text: number parsing and token scanning without regex or substrings.
 *
 * <p>The parsers in this package read files with thousands of lines (smaps of a big JVM, /proc/net/tcp of a
 * busy host), so they walk the text with indices and parse numbers in place. Every method takes the text and a
 * {@code [from, to)} range; malformed input throws {@link ProcFormatException} naming what was expected.
 */
final class ProcText {

    private ProcText() {
    }

    /** Reads a /proc file. Names in /proc are raw bytes; we decode them as UTF-8 (bad sequences become U+FFFD). */
    static String read(Path path) throws IOException {
        return new String(Files.readAllBytes(path), StandardCharsets.UTF_8);
    }

    static Path pidDir(int pid) {
        return Path.of("/proc", Integer.toString(pid));
    }

    static Path taskDir(int pid, int tid) {
        return Path.of("/proc", Integer.toString(pid), "task", Integer.toString(tid));
    }

    /** Index of the first '\n' at or after {@code from}, or {@code text.length()}. */
    static int lineEnd(String text, int from) {
        int i = text.indexOf('\n', from);
        return i < 0 ? text.length() : i;
    }

    static int skipBlanks(String text, int from, int to) {
        while (from < to && isBlank(text.charAt(from))) {
            from++;
        }
        return from;
    }

    /** End of the token starting at {@code from}: first blank (space or tab) or {@code to}. */
    static int tokenEnd(String text, int from, int to) {
        while (from < to && !isBlank(text.charAt(from))) {
            from++;
        }
        return from;
    }

    /** First {@code c} in {@code [from, to)}, or -1. Bounded: String.indexOf would scan to the end of the text. */
    static int indexOf(String text, char c, int from, int to) {
        for (int i = from; i < to; i++) {
            if (text.charAt(i) == c) {
                return i;
            }
        }
        return -1;
    }

    static boolean isBlank(char c) {
        return c == ' ' || c == '\t';
    }

    /** Signed decimal. */
    static long decimal(String text, int from, int to) {
        if (from >= to) {
            throw new ProcFormatException("empty number", text, from);
        }
        boolean negative = text.charAt(from) == '-';
        int i = negative ? from + 1 : from;
        if (i >= to) {
            throw new ProcFormatException("expected a decimal number", text, from);
        }
        long value = 0;
        for (; i < to; i++) {
            int d = text.charAt(i) - '0';
            if (d < 0 || d > 9) {
                throw new ProcFormatException("expected a decimal number", text, from);
            }
            value = value * 10 + d;
        }
        return negative ? -value : value;
    }

    /**
     * Unsigned 64-bit decimal, kept in a {@code long} with the same bits: {@code 18446744073709551615} is -1. The
     * kernel prints many unsigned long fields (rsslim, addresses) this way.
     */
    static long unsignedDecimal(String text, int from, int to) {
        if (from >= to) {
            throw new ProcFormatException("empty number", text, from);
        }
        if (to - from < 19) {
            return decimal(text, from, to);
        }
        try {
            return Long.parseUnsignedLong(text, from, to, 10);
        } catch (NumberFormatException e) {
            throw new ProcFormatException("expected an unsigned decimal number", text, from);
        }
    }

    /** Unsigned hexadecimal (no 0x), up to 64 bits. */
    static long hex(String text, int from, int to) {
        if (from >= to || to - from > 16) {
            throw new ProcFormatException("expected a hex number", text, from);
        }
        long value = 0;
        for (int i = from; i < to; i++) {
            int d = Character.digit(text.charAt(i), 16);
            if (d < 0) {
                throw new ProcFormatException("expected a hex number", text, from);
            }
            value = (value << 4) | d;
        }
        return value;
    }

    /** Unsigned octal (a leading 0 is allowed, as in fdinfo's flags). */
    static long octal(String text, int from, int to) {
        if (from >= to) {
            throw new ProcFormatException("expected an octal number", text, from);
        }
        long value = 0;
        for (int i = from; i < to; i++) {
            int d = text.charAt(i) - '0';
            if (d < 0 || d > 7) {
                throw new ProcFormatException("expected an octal number", text, from);
            }
            value = (value << 3) | d;
        }
        return value;
    }

    /** Hex digits to bytes, first pair first (f_handle in fdinfo is printed byte by byte). */
    static byte[] hexBytes(String text, int from, int to) {
        if (((to - from) & 1) != 0) {
            throw new ProcFormatException("odd number of hex digits", text, from);
        }
        byte[] out = new byte[(to - from) / 2];
        for (int i = 0; i < out.length; i++) {
            int hi = Character.digit(text.charAt(from + 2 * i), 16);
            int lo = Character.digit(text.charAt(from + 2 * i + 1), 16);
            if (hi < 0 || lo < 0) {
                throw new ProcFormatException("expected hex bytes", text, from);
            }
            out[i] = (byte) (hi << 4 | lo);
        }
        return out;
    }

    /**
     * Decodes the octal escapes of mangle()/seq_escape ({@code \040} space, {@code \011} tab, {@code \012}
     * newline, {@code \134} backslash), as mountinfo prints paths, sources and types. Returns the plain substring
     * when there is nothing to decode.
     */
    static String unescapeOctal(String text, int from, int to) {
        return unescape(text, from, to, false);
    }

    /**
     * Decodes only {@code \012}: maps and smaps escape newlines in paths and nothing else (seq_file_path with
     * "\n"), so a file really named {@code a\040b} must stay as it is.
     */
    static String unescapeNewlines(String text, int from, int to) {
        return unescape(text, from, to, true);
    }

    private static String unescape(String text, int from, int to, boolean newlinesOnly) {
        int bs = indexOf(text, '\\', from, to);
        if (bs < 0) {
            return text.substring(from, to);
        }
        StringBuilder sb = new StringBuilder(to - from);
        sb.append(text, from, bs);
        int i = bs;
        while (i < to) {
            char c = text.charAt(i);
            if (c == '\\' && isOctalEscape(text, i + 1, to)
                    && (!newlinesOnly || text.startsWith("012", i + 1))) {
                sb.append((char) ((text.charAt(i + 1) - '0') << 6 | (text.charAt(i + 2) - '0') << 3 | (text.charAt(i + 3) - '0')));
                i += 4;
            } else {
                sb.append(c);
                i++;
            }
        }
        return sb.toString();
    }

    private static boolean isOctalEscape(String text, int at, int to) {
        if (at + 3 > to) {
            return false;
        }
        for (int k = 0; k < 3; k++) {
            char d = text.charAt(at + k);
            if (d < '0' || d > '7') {
                return false;
            }
        }
        return true;
    }
}
