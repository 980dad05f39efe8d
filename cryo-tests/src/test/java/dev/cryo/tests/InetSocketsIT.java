package dev.cryo.tests;

import java.nio.file.Path;
import java.util.List;

/** Checkpoint/restore of workloads/sockets01.c: TCP listeners and UDP sockets, IPv4 and IPv6, on the same ports with their options (SO_REUSEADDR, SO_REUSEPORT, SO_KEEPALIVE, TCP_NODELAY, buffer sizes, IPV6_V6ONLY) and backlogs. */
class InetSocketsIT extends CheckpointRestoreContract {
    @Override
    List<String> command(Path dir) {
        return List.of(Repo.workload("sockets01").toString());
    }
}
