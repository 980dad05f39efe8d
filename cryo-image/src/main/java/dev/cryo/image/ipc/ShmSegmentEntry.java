package dev.cryo.image.ipc;

/**
 * A SysV shared memory segment.
 *
 * @param removed marked IPC_RMID while still attached: removed again once every process has attached it
 * @param blob    the segment's content (its whole size)
 */
public record ShmSegmentEntry(IpcOwnerEntry owner, long size, boolean removed, String blob) {}
