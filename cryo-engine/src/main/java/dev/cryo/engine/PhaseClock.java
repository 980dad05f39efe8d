package dev.cryo.engine;

/**
 * Phase timings of one checkpoint or restore, printed on stderr when CRYO_TIMINGS is set: where the
 * time goes, for benchmarks and for users wondering why a freeze took long.
 */
final class PhaseClock {
    private static final boolean ENABLED = System.getenv("CRYO_TIMINGS") != null;
    private final String what;
    private long last = System.nanoTime();
    private long lastCpu = cpuNanos();
    private final StringBuilder line = new StringBuilder();

    PhaseClock(String what) {
        this(what, System.nanoTime());
    }

    /** A clock whose first lap starts at {@code start} (a {@link System#nanoTime()}), not now. */
    PhaseClock(String what, long start) {
        this.what = what;
        this.last = start;
    }

    void lap(String phase) {
        if (!ENABLED) return;
        long now = System.nanoTime(), cpu = cpuNanos();
        // the process's CPU time beside the wall time: on a loaded machine the wall time says little
        line.append(String.format(" %s=%.1fms(cpu %.0f)", phase, (now - last) / 1e6, (cpu - lastCpu) / 1e6));
        last = now;
        lastCpu = cpu;
    }

    /** Adds a part of the previous lap measured elsewhere (on another thread), as {@code name=...ms}. */
    void part(String name, long nanos) {
        if (ENABLED) line.append(String.format(" (%s=%.1fms)", name, nanos / 1e6));
    }

    /** CPU time of every thread of this process so far (user and system), or 0 if unknown. */
    private static long cpuNanos() {
        if (!ENABLED) return 0;
        return ProcessHandle.current().info().totalCpuDuration().map(java.time.Duration::toNanos).orElse(0L);
    }

    /** Adds a remark to the line (something that is not a lap). */
    void note(String text) {
        if (ENABLED) line.append(' ').append(text);
    }

    /**
     * The calling thread's CPU time in nanoseconds when timings are on (else 0): under load, wall times of
     * the freeze include waiting for a core, its CPU time does not.
     */
    long threadCpu() {
        return ENABLED ? java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() : 0;
    }

    void print() {
        if (ENABLED) {
            System.err.println("cryo: timings: " + what + ":" + line
                    + (Faults.points() > 0 ? " crash-points=" + Faults.points() : ""));
        }
    }
}
