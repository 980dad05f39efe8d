package dev.cryo.image.fd;

import java.util.List;

/** An inotify instance and its watches, by watch descriptor. */
public record InotifyFd(int fd, int fdFlags, int openFlags, List<InotifyWatch> watches) implements FdEntry {

    /**
     * @param wd   the watch descriptor the application knows it by
     * @param path the watched file or directory (found from the file handle fdinfo shows)
     * @param mask IN_* events and flags
     */
    public record InotifyWatch(int wd, String path, int mask) {
    }
}
