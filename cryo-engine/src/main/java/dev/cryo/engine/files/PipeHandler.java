package dev.cryo.engine.files;

import dev.cryo.engine.DumpSession;
import dev.cryo.engine.RestoreSession;
import dev.cryo.engine.TreeFiles;
import dev.cryo.image.fd.ExternalFd;
import dev.cryo.image.fd.FdEntry;
import dev.cryo.image.fd.PipeFd;
import dev.cryo.linux.fd.RemoteFds;
import dev.cryo.linux.syscall.SysNr;

import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * Pipes. A pipe whose both ends are inside the checkpoint is re-created with the bytes that were in
 * flight (read with tee, so the application keeps them); a pipe with one end outside (a shell
 * pipeline feeding our stdin, a pager reading our stdout) cannot be re-created and becomes external.
 */
public final class PipeHandler {
    private static final int O_ACCMODE = 3, O_WRONLY = 1;

    FdEntry dump(DumpSession s, int pidfd, int fd, int fdFlags, int openFlags, String target) throws IOException {
        long id = Long.parseLong(target.substring("pipe:[".length(), target.length() - 1));
        boolean writeEnd = (openFlags & O_ACCMODE) == O_WRONLY;
        // both ends must be held inside the tree (by this process or another): else it leads outside
        List<TreeFiles.Holder> holders = s.tree().holders(target);
        boolean bothEndsInside = holders.stream().map(h -> h.access() == O_WRONLY).distinct().count() == 2;
        if (!bothEndsInside) {
            return new ExternalFd(fd, fdFlags, openFlags, target);
        }
        // the bytes in flight are kept once, with the first read end of the tree
        TreeFiles.Holder firstReader = holders.stream().filter(h -> h.access() != O_WRONLY).findFirst().orElseThrow();
        boolean keepsData = firstReader.pid() == s.pid() && firstReader.fd() == fd;
        int local = RemoteFds.getfd(pidfd, fd);
        try {
            int capacity = RemoteFds.pipeCapacity(local);
            byte[] data = keepsData ? RemoteFds.peekPipe(local) : new byte[0];
            return new PipeFd(fd, fdFlags, openFlags, id, writeEnd, capacity, data);
        } finally {
            RemoteFds.close(local);
        }
    }

    /** The first descriptor number the process does not use: shared pipe ends are kept from there. */
    private int keepAbove;

    void keepAbove(int firstUnused) {
        keepAbove = firstUnused;
    }

    private static final int F_SETFL = 4, F_SETPIPE_SZ = 1031, O_CLOEXEC = 02000000, O_NONBLOCK = 04000,
            CHUNK = 32 * 1024;
    /** pipe id -> {read end, write end} in the task, created at the first end met. */
    private final Map<Long, long[]> created = new java.util.HashMap<>();

    /** The (temporary) descriptor of this end; the pipe is created, sized and refilled at its first end. */
    long restore(RestoreSession s, PipeFd p) throws IOException {
        long[] ends = created.get(p.pipeId());
        if (ends == null && s.pipes().has(p.pipeId())) {
            // created by another process of the tree: the same pipe, taken from where that one keeps it
            long fd = s.pipes().take(s, p.pipeId(), p.writeEnd());
            s.main().call("fcntl(F_SETFL)", SysNr.FCNTL, fd, F_SETFL, p.openFlags() & O_NONBLOCK);
            return fd;
        }
        if (ends == null) {
            s.resetArgs();
            long fds = s.put(new byte[8]);
            s.main().call("pipe2", SysNr.PIPE2, fds, O_CLOEXEC, 0);
            java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(s.memory().read(fds, 8)).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            ends = new long[] {b.getInt(0), b.getInt(4)};
            created.put(p.pipeId(), ends);
            if (heldElsewhere(s, p.pipeId())) s.pipes().keep(p.pipeId(), s, ends[0], ends[1], keepAbove);
            if (p.capacity() > 0) s.main().call("fcntl(F_SETPIPE_SZ)", SysNr.FCNTL, ends[1], F_SETPIPE_SZ, p.capacity());
            byte[] data = inFlight(s, p.pipeId());
            for (int off = 0; off < data.length; off += CHUNK) {
                int n = Math.min(CHUNK, data.length - off);
                s.resetArgs();
                long at = s.put(java.util.Arrays.copyOfRange(data, off, off + n));
                long w = s.main().call("write into pipe", SysNr.WRITE, ends[1], at, n);
                if (w != n) throw new IOException("pipe " + p.pipeId() + ": wrote " + w + " of " + n + " bytes in flight");
            }
        }
        long fd = p.writeEnd() ? ends[1] : ends[0];
        s.main().call("fcntl(F_SETFL)", SysNr.FCNTL, fd, F_SETFL, p.openFlags() & O_NONBLOCK);
        return fd;
    }

    /** The bytes in flight, kept with one read end somewhere in the tree. */
    private static byte[] inFlight(RestoreSession s, long pipeId) {
        for (var process : s.checkpoint().processes()) {
            for (FdEntry e : process.fds()) {
                if (e instanceof PipeFd p && p.pipeId() == pipeId && !p.writeEnd() && p.inFlight().length > 0) {
                    return p.inFlight();
                }
            }
        }
        return new byte[0];
    }

    /** Whether another process of the tree holds an end of this pipe too. */
    private static boolean heldElsewhere(RestoreSession s, long pipeId) {
        return s.checkpoint().processes().stream().filter(p -> p.pid() != s.pid())
                .anyMatch(p -> p.fds().stream().anyMatch(e -> e instanceof PipeFd f && f.pipeId() == pipeId));
    }
}
