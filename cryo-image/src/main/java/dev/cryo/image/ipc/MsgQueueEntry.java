package dev.cryo.image.ipc;

import java.util.List;

/**
 * A SysV message queue with every message in it, oldest first.
 *
 * @param maxBytes the queue's limit (msg_qbytes)
 */
public record MsgQueueEntry(IpcOwnerEntry owner, long maxBytes, List<MessageEntry> messages) {}
