package dev.cryo.tests;

import java.nio.file.Path;
import java.util.List;

/** Checkpoint/restore of workloads/inotify01.c: inotify watches by path and mask, with the same watch descriptors (with a gap). */
class InotifyIT extends CheckpointRestoreContract {
    @Override
    List<String> command(Path dir) {
        return List.of(Repo.workload("inotify01").toString(), dir.toString());
    }
}
