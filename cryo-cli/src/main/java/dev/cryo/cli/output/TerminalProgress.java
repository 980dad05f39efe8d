package dev.cryo.cli.output;

import dev.cryo.engine.Progress;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * Shows engine progress on one self-overwriting stderr line, only when stderr is a terminal and only
 * once the work has taken long enough to be worth watching ({@link #DELAY_NANOS}). A ticker redraws
 * the line with the elapsed time, so a phase the engine reports only once still shows that work goes on.
 *
 * <p>Units: {@code done}/{@code total} are bytes, except for phases that count things (their name
 * mentions processes, threads, files, fds or pages), which are shown as plain numbers; a phase reported
 * with done 0 and no total shows just its name.
 */
public final class TerminalProgress implements Progress, AutoCloseable {
    static final long DELAY_NANOS = 500_000_000L;
    private static final long TICK_MILLIS = 200;

    private final PrintWriter err;
    private final boolean enabled;
    private final long start = System.nanoTime();
    private final Thread ticker;
    private String phase;
    private long done;
    private long total = -1;
    private boolean drawn;
    private boolean closed;

    TerminalProgress(PrintWriter err, boolean enabled) {
        this.err = err;
        this.enabled = enabled;
        this.ticker = enabled ? Thread.ofPlatform().daemon().name("cryo-progress").start(this::tick) : null;
    }

    /** Progress on {@code err} when stderr is a terminal; else it shows nothing. */
    public static TerminalProgress onStderr(PrintWriter err) {
        return new TerminalProgress(err, Terminal.stderrIsTerminal());
    }

    @Override
    public synchronized void update(String phase, long done, long total) {
        this.phase = phase;
        this.done = done;
        this.total = total;
    }

    private void tick() {
        try {
            while (true) {
                Thread.sleep(TICK_MILLIS);
                synchronized (this) {
                    if (closed) {
                        return;
                    }
                    long elapsed = System.nanoTime() - start;
                    if (phase != null && elapsed >= DELAY_NANOS) {
                        err.print("\r" + line(phase, done, total) + String.format(Locale.ROOT, "  %.1f s", elapsed / 1e9)
                                + "\033[K");
                        err.flush();
                        drawn = true;
                    }
                }
            }
        } catch (InterruptedException e) {
            // closed
        }
    }

    static String line(String phase, long done, long total) {
        boolean count = isCount(phase);
        if (done <= 0 && total <= 0) {
            return phase + "...";
        }
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

    /** Stops the ticker and erases the progress line so the result starts on a clean line. */
    @Override
    public synchronized void close() {
        closed = true;
        if (ticker != null) {
            ticker.interrupt();
        }
        if (drawn) {
            err.print("\r\033[K");
            err.flush();
            drawn = false;
        }
    }
}
