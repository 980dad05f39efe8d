package dev.cryo.image.fd;

/**
 * One end of a pipe whose both ends are inside the checkpoint.
 *
 * @param pipeId   the pipe's inode: the ends of one pipe share it
 * @param inFlight bytes that were written and not yet read (kept on one end of the pipe, the read end)
 */
public record PipeFd(int fd, int fdFlags, int openFlags, long pipeId, boolean writeEnd, int capacity,
                     byte[] inFlight) implements FdEntry {
}
