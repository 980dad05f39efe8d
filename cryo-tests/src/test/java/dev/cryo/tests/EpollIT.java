package dev.cryo.tests;

import java.nio.file.Path;
import java.util.List;

/** Checkpoint/restore of workloads/epoll01.c: an epoll's interest list (level and edge triggered, a fired one-shot, a dup'd fd, a nested epoll) with its data words. */
class EpollIT extends CheckpointRestoreContract {
    @Override
    List<String> command(Path dir) {
        return List.of(Repo.workload("epoll01").toString());
    }
}
