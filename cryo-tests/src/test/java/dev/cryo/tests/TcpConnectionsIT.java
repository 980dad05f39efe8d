package dev.cryo.tests;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Checkpoint/restore of workloads/tcp01.c over IPv4: an established loopback TCP connection between two
 * processes of the tree, streaming numbered bytes both ways with data unread and unsent on both ends at
 * any instant (TCP repair mode). The workload checks that no byte is lost, duplicated or reordered.
 */
class TcpConnectionsIT extends CheckpointRestoreContract {
    @Override
    List<String> command(Path dir) {
        return List.of(Repo.workload("tcp01").toString(), family());
    }

    String family() {
        return "4";
    }

    @Test
    void repeatedLeaveRunningCheckpointsLeaveTheConnectionUntouchedAndTheLastOneRestores() {
        Workload w = start();
        String id = null;
        for (int i = 0; i < 4; i++) {
            id = cli.checkpoint(w.pid(), "--leave-running");
            w.assertRunningUntraced();
            w.waitForTicksAfter(w.mark(), 3, tickTimeout());
            w.assertNoFail();
        }
        w.stopTree(Duration.ofSeconds(30));
        int mark = w.mark();
        assertEquals(w.pid(), cli.restoreDetached(id), "restored root PID");
        w.waitForTicksAfter(mark, 5, tickTimeout());
        w.assertNoFail();
        w.assertPidUnchanged();
    }

    @Test
    void threeRoundsOfCheckpointAndRestore() {
        Workload w = start();
        for (int i = 0; i < 3; i++) checkpointKillRestore(w);
    }
}
