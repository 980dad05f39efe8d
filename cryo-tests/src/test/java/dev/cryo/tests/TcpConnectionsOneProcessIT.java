package dev.cryo.tests;

import java.nio.file.Path;
import java.util.List;

/** workloads/tcp01.c with both ends of its loopback TCP connection in one process (two threads). */
class TcpConnectionsOneProcessIT extends CheckpointRestoreContract {
    @Override
    List<String> command(Path dir) {
        return List.of(Repo.workload("tcp01").toString(), "4", "threads");
    }
}
