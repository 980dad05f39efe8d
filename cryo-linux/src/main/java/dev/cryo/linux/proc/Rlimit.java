package dev.cryo.linux.proc;

/**
 * One resource limit from /proc/PID/limits.
 *
 * <p>"unlimited" is {@link #INFINITY}, -1: the same 64 bits as the kernel's RLIM_INFINITY (~0UL), so the value can
 * go to prlimit(2) unchanged. Compare with {@link #isUnlimited(long)}, never with {@code <}.
 *
 * @param name     the RLIMIT_* constant ("RLIMIT_NOFILE"), or the file's description for a limit this table
 *                 does not know
 * @param resource the RLIMIT_* number for prlimit(2), -1 if unknown
 * @param soft     current (soft) limit
 * @param hard     maximum (hard) limit
 */
public record Rlimit(String name, int resource, long soft, long hard) {

    public static final long INFINITY = -1L;

    public static boolean isUnlimited(long value) {
        return value == INFINITY;
    }
}
