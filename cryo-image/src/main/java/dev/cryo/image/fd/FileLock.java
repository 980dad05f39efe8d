package dev.cryo.image.fd;

/**
 * A lock held through an open file: flock (on the open file description), fcntl POSIX (owned by the
 * process), or OFD (fcntl F_OFD_SETLK, on the open file description).
 *
 * @param length bytes locked from {@code start}; 0 means to the end of the file (as fcntl takes it)
 */
public record FileLock(Kind kind, boolean write, long start, long length) {
    public enum Kind { FLOCK, POSIX, OFD }
}
