package dev.cryo.engine.group;

/**
 * A group to checkpoint: its init (PID 1 of its namespace, cryo-helper: not part of the checkpoint, a
 * restore makes a new one), the root of its tree, and its freezer cgroup. PIDs as seen from cryo.
 */
public record RunningGroup(int initPid, int rootPid, FreezerCgroup cgroup) {
}
