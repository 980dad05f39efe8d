package dev.cryo.image.ipc;

import java.util.List;

/**
 * The SysV objects of a group's own IPC namespace, re-created with the same ids in the restored
 * group's new namespace.
 *
 * @param limits the namespace's tunables from /proc/sys/kernel, as "name=value" (msgmax, shmmax, sem...)
 */
public record IpcNamespaceEntry(List<String> limits, List<ShmSegmentEntry> segments, List<SemSetEntry> semaphores,
                                List<MsgQueueEntry> queues) {

    public boolean isEmpty() {
        return segments.isEmpty() && semaphores.isEmpty() && queues.isEmpty();
    }
}
