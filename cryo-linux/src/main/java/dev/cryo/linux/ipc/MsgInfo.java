package dev.cryo.linux.ipc;

/** What IPC_STAT tells of a message queue: its messages and its limit in bytes. */
public record MsgInfo(int id, IpcPerm perm, long messages, long maxBytes) {}
