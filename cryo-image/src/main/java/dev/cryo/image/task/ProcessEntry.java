package dev.cryo.image.task;

import dev.cryo.image.fd.FdEntry;
import dev.cryo.image.ipc.SemUndoEntry;
import dev.cryo.image.mm.MmEntry;
import dev.cryo.image.mm.VmaEntry;

import java.util.List;

/**
 * One process of a checkpoint.
 *
 * @param memoryBlob    the store blob holding the dumped pages of {@link #vmas}, back to back
 * @param sharedPending signals pending for the whole process (raw 128-byte siginfo each)
 * @param zombie        an exited process its parent has not reaped: only its PIDs and {@code exitStatus}
 *                      (a waitpid status) are recorded; every other component is null or empty
 * @param posixTimers   its POSIX timers (timer_create), by id
 * @param semUndo       its nonzero SEM_UNDO adjustments (in a group's own IPC namespace; empty otherwise)
 */
public record ProcessEntry(int pid, int ppid, int pgid, int sid, String comm, IdentityEntry identity, MmEntry mm,
                           List<VmaEntry> vmas, List<ThreadEntry> threads, List<FdEntry> fds,
                           List<SigactionEntry> sigactions, List<byte[]> sharedPending, List<ItimerEntry> itimers,
                           String memoryBlob, boolean zombie, int exitStatus, List<PosixTimerEntry> posixTimers,
                           List<SemUndoEntry> semUndo) {

    /** A zombie: what its parent will read with waitpid, and its place in the tree. */
    public static ProcessEntry zombie(int pid, int ppid, int pgid, int sid, String comm, int exitStatus) {
        return new ProcessEntry(pid, ppid, pgid, sid, comm, null, null, List.of(), List.of(), List.of(), List.of(),
                List.of(), List.of(), null, true, exitStatus, List.of(), List.of());
    }
}
