package dev.cryo.cli.output;

import dev.cryo.engine.Progress;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * Shows engine progress on one self-overwriting stderr line, only when stderr is a terminal and only
 * once the work has taken long enough to be worth watching ({@link #DELAY_NANOS}).
 *
 * <p>Units: {@code done}/{@code total} are bytes, except for phases that count things (their name
 * mentions processes, threads, files, fds or pages), which are shown as plain numbers.
 */
public final class TerminalProgress implements Progress, AutoCloseable {
    static final long DELAY_NANOS = 500_000_000L;
    private static final long INTERVAL_NANOS = 100_000_000L;

    private final PrintWriter err;
    private final boolean enabled;
    private final long start = System.nanoTime();
    private long lastDraw;
    private boolean drawn;

    TerminalProgress(PrintWriter err, boolean enabled) {
        this.err = err;
        this.enabled = enabled;
    }

    /** Progress on {@code err} when stderr is a terminal; else it shows nothing. */
    public static TerminalProgress onStderr(PrintWriter err) {
        return new TerminalProgress(err, Terminal.stderrIsTerminal());
    }

    @Override
    public synchronized void update(String phase, long done, long total) {
        if (!enabled) {
            return;
        }
        long now = System.nanoTime();
        if (now - start < DELAY_NANOS || (drawn && now - lastDraw < INTERVAL_NANOS)) {
            return;
        }
        lastDraw = now;
        drawn = true;
        err.print("\r" + line(phase, done, total) + "\033[K");
        err.flush();
    }

    static String line(String phase, long done, long total) {
        boolean count = isCount(phase);
        String d = count ? Long.toString(done) : ByteSize.format(done);
        if (total <= 0) {
            return phase + ": " + d;
        }
        String t = count ? Long.toString(total) : ByteSize.format(total);
        long pct = Math.min(100, done * 100 / total);
        return String.format(Locale.ROOT, "%s: %s / %s (%d%%)", phase, d, t, pct);
    }

    private static boolean isCount(String phase) {
        String p = phase.toLowerCase(Locale.ROOT);
        return p.contains("process") || p.contains("thread") || p.contains("file") || p.contains("fd") || p.contains("page");
    }

    /** Erases the progress line so the result starts on a clean line. */
    @Override
    public synchronized void close() {
        if (drawn) {
            err.print("\r\033[K");
            err.flush();
            drawn = false;
        }
    }
}
