package dev.cryo.tests;

import java.nio.file.Path;
import java.util.List;

/** Checkpoint/restore of workloads/shm01.c: memfds (mapped twice and held, held only, mapped only) with content, offsets and seals, and MAP_SHARED anonymous memory (with pages MADV_DONTNEED'd). */
class SharedMemoryIT extends CheckpointRestoreContract {
    @Override
    List<String> command(Path dir) {
        return List.of(Repo.workload("shm01").toString());
    }
}
