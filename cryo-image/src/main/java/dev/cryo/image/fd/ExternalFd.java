package dev.cryo.image.fd;

/**
 * A descriptor that leads outside the checkpoint (a terminal, the write end of a pipe read by a
 * process not checkpointed): it cannot be re-created, so a restore connects it per --stdio.
 *
 * @param description what it was, for messages ("/dev/pts/3", "pipe:[1234]")
 */
public record ExternalFd(int fd, int fdFlags, int openFlags, String description) implements FdEntry {
}
