package dev.cryo.tests;

import java.nio.file.Path;
import java.util.List;

/** Checkpoint/restore of workloads/threads01.c: all threads come back with their tids, TLS, and a working pthread_kill and condition variable. */
class ThreadsIT extends CheckpointRestoreContract {
    @Override
    List<String> command(Path dir) {
        return List.of(Repo.workload("threads01").toString());
    }
}
