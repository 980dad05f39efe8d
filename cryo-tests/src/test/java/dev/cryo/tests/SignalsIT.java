package dev.cryo.tests;

import java.nio.file.Path;
import java.util.List;

/** Checkpoint/restore of workloads/signals01.c: signal handlers, masks, pending signals, the alternate stack and ITIMER_REAL. */
class SignalsIT extends CheckpointRestoreContract {
    @Override
    List<String> command(Path dir) {
        return List.of(Repo.workload("signals01").toString());
    }
}
