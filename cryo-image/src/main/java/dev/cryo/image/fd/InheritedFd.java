package dev.cryo.image.fd;

/**
 * A descriptor sharing its open file description with a descriptor of another process of the tree that
 * comes earlier in the image (a parent's, usually: inherited across fork), so one offset, one set of
 * status flags, one pipe end or socket for both. Restored by taking the other's descriptor (pidfd_getfd).
 *
 * @param ownerPid the process holding the description first (a recorded PID)
 * @param ownerFd  its descriptor number there
 */
public record InheritedFd(int fd, int fdFlags, int ownerPid, int ownerFd) implements FdEntry {
}
