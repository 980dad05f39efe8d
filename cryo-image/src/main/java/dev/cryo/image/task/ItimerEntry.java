package dev.cryo.image.task;

/** An interval timer (which: ITIMER_REAL 0, VIRTUAL 1, PROF 2), values in microseconds. */
public record ItimerEntry(int which, long intervalMicros, long valueMicros) {
}
