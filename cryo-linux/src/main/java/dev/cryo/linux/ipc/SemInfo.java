package dev.cryo.linux.ipc;

/** What IPC_STAT tells of a semaphore set. */
public record SemInfo(int id, IpcPerm perm, int count) {}
