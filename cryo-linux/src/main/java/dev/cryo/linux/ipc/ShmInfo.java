package dev.cryo.linux.ipc;

/** What IPC_STAT tells of a shared memory segment. */
public record ShmInfo(int id, IpcPerm perm, long size, long attached) {
    /** Set by IPC_RMID on a segment still attached: it goes away with its last detach. */
    public static final int SHM_DEST = 01000;

    public boolean removed() {
        return (perm.mode() & SHM_DEST) != 0;
    }
}
