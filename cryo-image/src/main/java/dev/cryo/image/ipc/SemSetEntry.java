package dev.cryo.image.ipc;

/** A SysV semaphore set and the value of each of its semaphores. */
public record SemSetEntry(IpcOwnerEntry owner, long[] values) {}
