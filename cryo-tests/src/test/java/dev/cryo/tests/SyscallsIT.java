package dev.cryo.tests;

import java.nio.file.Path;
import java.util.List;

/** Checkpoint/restore of workloads/syscalls01.c: threads blocked in nanosleep, read, futex and poll wake up correctly after a restore. */
class SyscallsIT extends CheckpointRestoreContract {
    @Override
    List<String> command(Path dir) {
        return List.of(Repo.workload("syscalls01").toString());
    }
}
