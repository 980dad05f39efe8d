package dev.cryo.image.fd;

import java.util.List;

/**
 * An epoll instance and its interest list. Every watched file is open in the process under the
 * watch's fd number at checkpoint time (a watch whose fd was closed since is refused).
 */
public record EpollFd(int fd, int fdFlags, int openFlags, List<EpollWatch> watches) implements FdEntry {

    /**
     * One registration, as epoll_ctl(EPOLL_CTL_ADD) made it.
     *
     * @param events EPOLL* mask (EPOLLET, EPOLLONESHOT...; a fired one-shot watch keeps only those)
     * @param data   the user's 64-bit epoll_data
     */
    public record EpollWatch(int tfd, int events, long data) {
    }
}
