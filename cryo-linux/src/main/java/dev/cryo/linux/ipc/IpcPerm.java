package dev.cryo.linux.ipc;

/**
 * The permissions of a SysV IPC object (struct ipc64_perm).
 *
 * @param mode the low 9 bits are the permissions; SHM_DEST (01000) marks a segment removed but still attached
 */
public record IpcPerm(int key, int uid, int gid, int cuid, int cgid, int mode) {}
