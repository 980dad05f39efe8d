package dev.cryo.engine.files;

import dev.cryo.linux.fd.RemoteFds;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * Pipes of a tree being restored whose ends live in several processes. The first process that holds
 * one creates it (with its bytes in flight); cryo then holds both ends (pidfd_getfd) until the restore
 * ends, and every other process opens the end it needs through /proc/CRYO/fd/N, which never blocks
 * since both ends are open, and yields the same pipe.
 */
public final class SharedPipes implements AutoCloseable {
    /** pipe id -> {read end, write end}, descriptors of cryo itself. */
    private final Map<Long, int[]> held = new HashMap<>();

    /** Takes copies of both ends, {@code readEnd} and {@code writeEnd} of the task {@code outerPid}. */
    void hold(long pipeId, int outerPid, long readEnd, long writeEnd) throws IOException {
        int pidfd = RemoteFds.pidfdOpen(outerPid);
        try {
            int r = RemoteFds.getfd(pidfd, (int) readEnd);
            int w;
            try {
                w = RemoteFds.getfd(pidfd, (int) writeEnd);
            } catch (IOException e) {
                RemoteFds.close(r);
                throw e;
            }
            held.put(pipeId, new int[] {r, w});
        } finally {
            RemoteFds.close(pidfd);
        }
    }

    /** The path another process opens to get an end of the pipe, or null if no process has created it yet. */
    String path(long pipeId, boolean writeEnd) {
        int[] ends = held.get(pipeId);
        if (ends == null) return null;
        return "/proc/" + ProcessHandle.current().pid() + "/fd/" + (writeEnd ? ends[1] : ends[0]);
    }

    @Override
    public void close() {
        for (int[] ends : held.values()) {
            RemoteFds.close(ends[0]);
            RemoteFds.close(ends[1]);
        }
        held.clear();
    }
}
