package dev.cryo.engine;

import dev.cryo.linux.process.Signals;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Fault injection for tests (as CRIU's CRIU_FAULT): with {@code CRYO_FAULT=<step>} in the environment,
 * the named step fails as if the kernel had refused it. Used to prove that every failure path leaves the
 * application exactly as it was.
 *
 * <p>Crash points prove the same for cryo being killed: a checkpoint passes numbered points (between every
 * step that changes the stopped process: each register load, stop, mask change); with
 * {@code CRYO_FAULT_KILL_AT=N} cryo SIGKILLs itself at point N, and {@code CRYO_FAULT_DELAY_US=U} waits U
 * microseconds at each point, which widens the short injection phase so that kills from outside at random
 * moments land in it. {@link #points} (printed with CRYO_TIMINGS) says how many points a run passed.
 */
public final class Faults {
    private static final String FAULT = System.getenv("CRYO_FAULT");
    private static final long KILL_AT = number("CRYO_FAULT_KILL_AT", -1);
    private static final long DELAY_NANOS = number("CRYO_FAULT_DELAY_US", 0) * 1000;
    private static final AtomicLong POINTS = new AtomicLong();

    private Faults() {}

    public static void check(String step) throws IOException {
        if (step.equals(FAULT)) {
            throw new IOException("injected fault at step '" + step + "' (CRYO_FAULT)");
        }
    }

    /** A crash point: cryo may die here (test hook, see the class comment). */
    public static void point() {
        long n = POINTS.getAndIncrement();
        if (DELAY_NANOS > 0) LockSupport.parkNanos(DELAY_NANOS);
        if (n == KILL_AT) {
            try {
                Signals.kill((int) ProcessHandle.current().pid(), Signals.SIGKILL);
            } catch (IOException e) {
                throw new IllegalStateException("CRYO_FAULT_KILL_AT: cannot kill cryo", e);
            }
        }
    }

    /** How many crash points this run has passed. */
    public static long points() {
        return POINTS.get();
    }

    private static long number(String variable, long otherwise) {
        String v = System.getenv(variable);
        if (v == null || v.isBlank()) return otherwise;
        try {
            return Long.parseLong(v.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(variable + " must be a number: " + v);
        }
    }
}
