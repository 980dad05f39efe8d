package dev.cryo.cli.output;

import java.util.Locale;

/** Byte counts for humans, in binary units as the kernel counts pages: "4.0 KiB", "64.0 MiB". */
public final class ByteSize {
    private ByteSize() {}

    private static final String[] UNITS = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};

    public static String format(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        double v = bytes;
        int unit = -1;
        while (v >= 1024 && unit < UNITS.length - 1) {
            v /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, UNITS[unit]);
    }
}
