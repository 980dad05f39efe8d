package dev.cryo.image.fd;

/**
 * One open file descriptor. Each kind of kernel object has its own entry (CRIU's *_entry), and one
 * handler in the engine that dumps and restores it.
 *
 * <p>{@code fdFlags} is FD_CLOEXEC or 0; {@code openFlags} the O_* status flags (O_APPEND, O_NONBLOCK...).
 */
public sealed interface FdEntry permits RegularFileFd, PipeFd, ExternalFd, DupFd, InheritedFd, EventFd, TimerFd,
        SignalFd, EpollFd, InetSocketFd, UnixSocketFd, InotifyFd, MemfdFd {
    int fd();

    int fdFlags();
}
