package dev.cryo.image.fd;

/**
 * A timerfd.
 *
 * @param clockId       the clock it was created on (CLOCK_REALTIME, CLOCK_MONOTONIC, CLOCK_BOOTTIME...)
 * @param settimeFlags  TFD_TIMER_ABSTIME and TFD_TIMER_CANCEL_ON_SET as last given to timerfd_settime
 * @param ticks         expirations that happened and were not read yet
 * @param valueNanos    when it fires next: nanoseconds from the checkpoint for a relative timer, the absolute
 *                      time on its clock for a TFD_TIMER_ABSTIME one; 0 when disarmed
 * @param intervalNanos the period, 0 for a one-shot timer
 */
public record TimerFd(int fd, int fdFlags, int openFlags, int clockId, int settimeFlags, long ticks, long valueNanos,
                     long intervalNanos) implements FdEntry {
}
