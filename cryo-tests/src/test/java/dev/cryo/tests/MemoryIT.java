package dev.cryo.tests;

import java.nio.file.Path;
import java.util.List;

/** Checkpoint/restore of workloads/mem01.c: the memory areas of a process: heap, stack, anonymous and file mappings, brk, mremap'd areas. */
class MemoryIT extends CheckpointRestoreContract {
    @Override
    List<String> command(Path dir) {
        return List.of(Repo.workload("mem01").toString());
    }
}
