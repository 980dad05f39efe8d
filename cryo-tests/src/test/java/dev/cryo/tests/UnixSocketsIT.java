package dev.cryo.tests;

import java.nio.file.Path;
import java.util.List;

/** Checkpoint/restore of workloads/unix01.c: unix socketpairs of each type with data waiting both ways, listeners bound to a path and to an abstract name, a connection made inside the process, a datagram socket connected to a bound one. */
class UnixSocketsIT extends CheckpointRestoreContract {
    @Override
    List<String> command(Path dir) {
        return List.of(Repo.workload("unix01").toString(), dir.toString());
    }
}
