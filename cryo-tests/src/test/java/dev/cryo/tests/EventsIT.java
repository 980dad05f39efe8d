package dev.cryo.tests;

import java.nio.file.Path;
import java.util.List;

/** Checkpoint/restore of workloads/events01.c: eventfd counters (plain and EFD_SEMAPHORE), timerfds (periodic, one-shot, TFD_TIMER_ABSTIME, expired and unread) and a signalfd with a signal pending. */
class EventsIT extends CheckpointRestoreContract {
    @Override
    List<String> command(Path dir) {
        return List.of(Repo.workload("events01").toString());
    }
}
