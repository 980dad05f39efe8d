package dev.cryo.engine.files;

import dev.cryo.engine.DumpSession;
import dev.cryo.image.fd.ExternalFd;
import dev.cryo.image.fd.FdEntry;
import dev.cryo.image.fd.PipeFd;
import dev.cryo.linux.fd.RemoteFds;

import java.io.IOException;
import java.util.Map;

/**
 * Pipes. A pipe whose both ends are inside the checkpoint is re-created with the bytes that were in
 * flight (read with tee, so the application keeps them); a pipe with one end outside (a shell
 * pipeline feeding our stdin, a pager reading our stdout) cannot be re-created and becomes external.
 */
public final class PipeHandler {
    private static final int O_ACCMODE = 3, O_WRONLY = 1;

    FdEntry dump(DumpSession s, int pidfd, int fd, int fdFlags, int openFlags, String target,
                 Map<Integer, String> allTargets) throws IOException {
        long id = Long.parseLong(target.substring("pipe:[".length(), target.length() - 1));
        long ends = allTargets.values().stream().filter(target::equals).count();
        boolean writeEnd = (openFlags & O_ACCMODE) == O_WRONLY;
        boolean bothEndsInside = allTargets.entrySet().stream().filter(e -> e.getValue().equals(target))
                .map(e -> {
                    try {
                        return (FdInfoLite.read(s.pid(), e.getKey()).flags() & O_ACCMODE) == O_WRONLY;
                    } catch (IOException ex) {
                        return writeEnd;
                    }
                }).distinct().count() == 2;
        if (ends < 2 || !bothEndsInside) {
            return new ExternalFd(fd, fdFlags, openFlags, target);
        }
        int local = RemoteFds.getfd(pidfd, fd);
        try {
            int capacity = RemoteFds.pipeCapacity(local);
            byte[] data = writeEnd ? new byte[0] : RemoteFds.peekPipe(local);
            return new PipeFd(fd, fdFlags, openFlags, id, writeEnd, capacity, data);
        } finally {
            RemoteFds.close(local);
        }
    }
}
