package dev.cryo.engine.files;

import dev.cryo.engine.RestoreSession;
import dev.cryo.linux.syscall.SysNr;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * Pipes of a tree being restored whose ends live in several processes. The first process that holds
 * one creates it (with its bytes in flight) and keeps a copy of both ends, above every descriptor number
 * it uses, until the whole tree is shaped; every other process takes the end it needs from there with
 * pidfd_open + pidfd_getfd (injected, so it works inside a new PID namespace too, where cryo itself is
 * not visible), getting the very same open file description, as after a fork.
 *
 * <p>Unix socket pairs whose two ends are held by different processes are shared the same way: the
 * process restored first creates the pair and keeps the end it does not hold here, under the inode of
 * that end, for the process that holds it.
 */
public final class SharedPipes {
    /** Where a pipe's ends are kept: the creating process (its session) and the two descriptors there. */
    private record Kept(RestoreSession creator, long readEnd, long writeEnd) {}

    private static final int F_DUPFD_CLOEXEC = 1030;

    private final Map<Long, Kept> kept = new HashMap<>();
    /** Socket inode -> where its end of a pair is kept (readEnd is the descriptor; writeEnd unused, -1). */
    private final Map<Long, Kept> sockets = new HashMap<>();

    /** Keeps copies of {@code readEnd} and {@code writeEnd} of the creator at numbers from {@code above}. */
    void keep(long pipeId, RestoreSession creator, long readEnd, long writeEnd, int above) throws IOException {
        long r = creator.main().call("keep pipe read end", SysNr.FCNTL, readEnd, F_DUPFD_CLOEXEC, above);
        long w = creator.main().call("keep pipe write end", SysNr.FCNTL, writeEnd, F_DUPFD_CLOEXEC, above);
        kept.put(pipeId, new Kept(creator, r, w));
    }

    boolean has(long pipeId) {
        return kept.containsKey(pipeId);
    }

    /** A new descriptor in {@code s} for an end of a pipe another process created (same description). */
    long take(RestoreSession s, long pipeId, boolean writeEnd) throws IOException {
        Kept k = kept.get(pipeId);
        return FdTableHandler.takeFrom(s, k.creator().pid(), writeEnd ? k.writeEnd() : k.readEnd());
    }

    /** Keeps a copy of {@code fd} of the creator, the end of a socket pair with inode {@code inode}, from {@code above}. */
    public void keepSocket(long inode, RestoreSession creator, long fd, int above) throws IOException {
        long k = creator.main().call("keep socket end", SysNr.FCNTL, fd, F_DUPFD_CLOEXEC, above);
        sockets.put(inode, new Kept(creator, k, -1));
    }

    public boolean hasSocket(long inode) {
        return sockets.containsKey(inode);
    }

    /** A new descriptor in {@code s} for the socket end another process created (same description). */
    public long takeSocket(RestoreSession s, long inode) throws IOException {
        Kept k = sockets.get(inode);
        return FdTableHandler.takeFrom(s, k.creator().pid(), k.readEnd());
    }

    /** Closes the kept copies: every process has its ends now. Before any process is let go. */
    public void release() throws IOException {
        for (Kept k : kept.values()) {
            k.creator().main().raw(SysNr.CLOSE, k.readEnd(), 0, 0, 0, 0, 0);
            k.creator().main().raw(SysNr.CLOSE, k.writeEnd(), 0, 0, 0, 0, 0);
        }
        kept.clear();
        for (Kept k : sockets.values()) k.creator().main().raw(SysNr.CLOSE, k.readEnd(), 0, 0, 0, 0, 0);
        sockets.clear();
    }
}
