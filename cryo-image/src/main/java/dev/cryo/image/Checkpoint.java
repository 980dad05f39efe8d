package dev.cryo.image;

import dev.cryo.image.ipc.IpcNamespaceEntry;
import dev.cryo.image.task.ProcessEntry;

import java.util.List;

/**
 * Everything a restore needs to know about a checkpoint, except the bulk data (memory pages, file
 * contents), which live in the store's blobs and are referenced by name.
 *
 * @param formatVersion {@link #FORMAT_VERSION} at the time of writing; a restore refuses others
 * @param rootPid       the root of the checkpointed tree
 * @param processes     every process, parents before children
 * @param ipc           a group's own IPC namespace (its SysV objects), or null
 */
public record Checkpoint(int formatVersion, long createdMillis, String hostname, String kernelRelease,
                         CpuEntry cpu, int rootPid, List<ProcessEntry> processes, IpcNamespaceEntry ipc) {

    /** 4: SEM_UNDO adjustments per process, the shutdown state of TCP connections (session 5). */
    public static final int FORMAT_VERSION = 4;

    /** A checkpoint without an IPC namespace of its own. */
    public Checkpoint(int formatVersion, long createdMillis, String hostname, String kernelRelease, CpuEntry cpu,
                      int rootPid, List<ProcessEntry> processes) {
        this(formatVersion, createdMillis, hostname, kernelRelease, cpu, rootPid, processes, null);
    }

    public ProcessEntry root() {
        return processes.getFirst();
    }
}
