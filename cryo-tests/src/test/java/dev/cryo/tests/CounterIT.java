package dev.cryo.tests;

import java.nio.file.Path;
import java.util.List;

/** Checkpoint/restore of workloads/counter01.c: the simplest workload: one thread, a 64 MiB heap pattern and a counter. */
class CounterIT extends CheckpointRestoreContract {
    @Override
    List<String> command(Path dir) {
        return List.of(Repo.workload("counter01").toString());
    }
}
