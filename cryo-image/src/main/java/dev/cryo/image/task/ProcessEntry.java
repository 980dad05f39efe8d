package dev.cryo.image.task;

import dev.cryo.image.fd.FdEntry;
import dev.cryo.image.mm.MmEntry;
import dev.cryo.image.mm.VmaEntry;

import java.util.List;

/**
 * One process of a checkpoint.
 *
 * @param memoryBlob    the store blob holding the dumped pages of {@link #vmas}, back to back
 * @param sharedPending signals pending for the whole process (raw 128-byte siginfo each)
 * @param posixTimers   its POSIX timers (timer_create), by id
 */
public record ProcessEntry(int pid, int ppid, int pgid, int sid, String comm, IdentityEntry identity, MmEntry mm,
                           List<VmaEntry> vmas, List<ThreadEntry> threads, List<FdEntry> fds,
                           List<SigactionEntry> sigactions, List<byte[]> sharedPending, List<ItimerEntry> itimers,
                           String memoryBlob, List<PosixTimerEntry> posixTimers) {
}
