package dev.cryo.tests;

import java.nio.file.Path;
import java.util.List;

/** Checkpoint/restore of workloads/files01.c: open files with their offsets and flags, unlinked files (open and mapped), a directory fd, /dev/null, a pipe with bytes in flight and dup'd fds. */
class FilesIT extends CheckpointRestoreContract {
    @Override
    List<String> command(Path dir) {
        return List.of(Repo.workload("files01").toString(), dir.toString());
    }
}
