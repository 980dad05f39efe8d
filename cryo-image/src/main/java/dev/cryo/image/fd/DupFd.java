package dev.cryo.image.fd;

/**
 * A descriptor that shares its open file description (offset, status flags) with a lower-numbered one,
 * as dup() makes: restored by duplicating that one.
 */
public record DupFd(int fd, int fdFlags, int of) implements FdEntry {
}
