package dev.cryo.image.fd;

/**
 * A regular file, a directory or a character device like /dev/null, opened by path.
 *
 * @param size       the size at checkpoint time; a restore refuses if a (non-deleted) file shrank below the offset
 * @param ghostBlob  for a file deleted while open: the store blob with its whole content, else null
 * @param locks      the locks held through it (POSIX locks of the process on the file show on each of its fds)
 */
public record RegularFileFd(int fd, int fdFlags, int openFlags, String path, long position, int mode, long size,
                            String ghostBlob, java.util.List<FileLock> locks) implements FdEntry {
}
