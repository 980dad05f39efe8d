package dev.cryo.image.task;

/**
 * A POSIX timer (timer_create), from /proc/PID/timers and timer_gettime.
 *
 * @param id            the timer id the process knows it by
 * @param notification  sigev_notify: SIGEV_SIGNAL 0, SIGEV_NONE 1, with SIGEV_THREAD_ID (4) when aimed at one thread
 * @param sigevValue    the sigev_value delivered with the signal
 * @param targetTid     the thread it signals (SIGEV_THREAD_ID), else 0
 * @param valueNanos    time left until it fires, 0 when disarmed
 * @param intervalNanos the period, 0 for a one-shot timer
 */
public record PosixTimerEntry(int id, int clockId, int notification, int signal, long sigevValue, int targetTid,
                              long valueNanos, long intervalNanos) {
}
