package dev.cryo.linux.proc;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;

/**
 * Parses /proc/PID/auxv: binary pairs of native (little-endian, x86_64) u64, type then value, ending with AT_NULL.
 */
public final class AuxvParser {

    private AuxvParser() {
    }

    public static byte[] readBytes(int pid) throws IOException {
        return Files.readAllBytes(ProcText.pidDir(pid).resolve("auxv"));
    }

    public static List<AuxvEntry> read(int pid) throws IOException {
        return parse(readBytes(pid));
    }

    /** The entries before AT_NULL (the terminator is not returned). */
    public static List<AuxvEntry> parse(byte[] auxv) {
        ByteBuffer b = ByteBuffer.wrap(auxv).order(ByteOrder.LITTLE_ENDIAN);
        List<AuxvEntry> out = new ArrayList<>(auxv.length / 16);
        while (b.remaining() >= 16) {
            long type = b.getLong();
            long value = b.getLong();
            if (type == AuxvEntry.AT_NULL) {
                return List.copyOf(out);
            }
            out.add(new AuxvEntry(type, value));
        }
        if (b.hasRemaining()) {
            throw new ProcFormatException("auxv: " + auxv.length + " bytes is not a whole number of pairs");
        }
        return List.copyOf(out); // no terminator: the kernel always writes one, but an empty file has none
    }

    /**
     * The vector as the u64 words prctl(PR_SET_MM, PR_SET_MM_AUXV) takes back: the pairs and the AT_NULL pair.
     */
    public static long[] words(List<AuxvEntry> entries) {
        long[] w = new long[entries.size() * 2 + 2];
        for (int i = 0; i < entries.size(); i++) {
            w[2 * i] = entries.get(i).type();
            w[2 * i + 1] = entries.get(i).value();
        }
        return w;
    }

    /** The value of the first entry of {@code type}, or {@code fallback}. */
    public static long value(List<AuxvEntry> entries, long type, long fallback) {
        for (AuxvEntry e : entries) {
            if (e.type() == type) {
                return e.value();
            }
        }
        return fallback;
    }
}
