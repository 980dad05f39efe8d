package dev.cryo.tests;

import java.nio.file.Path;
import java.util.List;

/** Checkpoint/restore of workloads/locks01.c: flock (exclusive and shared), fcntl POSIX record locks and OFD locks, taken again at restore. */
class LocksIT extends CheckpointRestoreContract {
    @Override
    List<String> command(Path dir) {
        return List.of(Repo.workload("locks01").toString(), dir.toString());
    }
}
