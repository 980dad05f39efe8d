package dev.cryo.image.task;

/** The kernel's struct sigaction for one signal (only signals whose action is not SIG_DFL are kept). */
public record SigactionEntry(int signal, long handler, long flags, long restorer, long mask) {
}
