package dev.cryo.tests;

import java.nio.file.Path;
import java.util.List;

/**
 * workloads/shutdown01.c: an established TCP connection shut down for reading, a unix stream socketpair
 * shut down for writing and a seqpacket one shut down for reading, each checked every tick by the
 * workload (end of file, EPIPE, and the open direction still carrying data): they come back so.
 */
class ShutdownIT extends CheckpointRestoreContract {
    @Override
    List<String> command(Path dir) {
        return List.of(Repo.workload("shutdown01").toString());
    }
}
