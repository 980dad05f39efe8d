package dev.cryo.image.fd;

/**
 * A signalfd.
 *
 * @param sigmask the signals it accepts, bit {@code n-1} for signal {@code n}
 */
public record SignalFd(int fd, int fdFlags, int openFlags, long sigmask) implements FdEntry {
}
