package dev.cryo.tests;

import java.nio.file.Path;
import java.util.List;

/** Checkpoint/restore of workloads/timers01.c: POSIX timers with their ids (with a gap), clocks, periods, signals, sigev_value and a thread target. */
class TimersIT extends CheckpointRestoreContract {
    @Override
    List<String> command(Path dir) {
        return List.of(Repo.workload("timers01").toString());
    }
}
