package dev.cryo.image.fd;

/**
 * An eventfd.
 *
 * @param count     the counter (up to 2^64-2)
 * @param semaphore EFD_SEMAPHORE: each read takes 1 instead of the whole count
 */
public record EventFd(int fd, int fdFlags, int openFlags, long count, boolean semaphore) implements FdEntry {
}
