package dev.cryo.linux.proc;

/**
 * A /proc file did not have the format this parser expects: a kernel we do not know, or a bug here. Unchecked
 * because the text comes from the kernel, not from a user, and a caller cannot recover from it.
 */
public final class ProcFormatException extends RuntimeException {

    public ProcFormatException(String what, String text, int at) {
        super(what + " at offset " + at + ": \"" + excerpt(text, at) + "\"");
    }

    public ProcFormatException(String what) {
        super(what);
    }

    private static String excerpt(String text, int at) {
        int from = Math.max(0, Math.min(at, text.length()));
        int to = Math.min(text.length(), from + 60);
        return text.substring(from, to).replace("\n", "\\n");
    }
}
