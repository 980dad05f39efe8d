package dev.cryo.tests;

import java.nio.file.Path;
import java.util.List;

/** Checkpoint/restore of workloads/identity01.c: cwd, umask, rlimits, nice, scheduling policy, personality, name, session, credentials. */
class IdentityIT extends CheckpointRestoreContract {
    @Override
    List<String> command(Path dir) {
        return List.of(Repo.workload("identity01").toString(), dir.toString());
    }
}
