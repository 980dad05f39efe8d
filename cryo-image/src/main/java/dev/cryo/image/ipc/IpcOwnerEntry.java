package dev.cryo.image.ipc;

/**
 * Key, owner, creator and permissions of a SysV IPC object.
 *
 * @param key  0 (IPC_PRIVATE) for a private object, and for a segment removed while attached
 * @param mode the permission bits (low 9)
 */
public record IpcOwnerEntry(int id, int key, int uid, int gid, int cuid, int cgid, int mode) {}
