package dev.cryo.tests;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static dev.cryo.tests.ErrorOutput.assertOperationalError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A process tree (workloads/tree01.c): a root leading its session, a zombie child, a child leading its
 * own process group with a grandchild in it, a child leading its own session, a pipe between two
 * children with bytes in flight, and MAP_SHARED anonymous memory written by three processes. Every
 * process checks its PIDs, parent, group and session, and the root checks the others make progress.
 */
class TreeIT extends CheckpointRestoreContract {
    @Override
    List<String> command(Path dir) {
        return List.of(Repo.workload("tree01").toString());
    }

    /** A process group whose leader has exited: Cryo cannot re-create it, so it is refused, naming the member. */
    private static final String LEADERLESS_GROUP = """
            import os, time
            a = os.getpid()
            b = os.fork()
            if b == 0:
                os.setpgid(0, 0)
                time.sleep(0.3)
                os._exit(0)
            os.setpgid(b, b)
            c = os.fork()
            if c == 0:
                os.setpgid(0, b)
                while True:
                    time.sleep(1)
            os.waitpid(b, 0)
            n = 0
            while True:
                n += 1
                print("tick %d ok pid=%d" % (n, a), flush=True)
                time.sleep(0.05)
            """;

    @Test
    void aProcessGroupWhoseLeaderIsGoneIsRefusedAndTheTreeRunsOn() {
        Workload root = Workload.start(tmp.resolve("leaderless.log"), List.of(Repo.python(), "-c", LEADERLESS_GROUP));
        try {
            root.waitForTick(3, Duration.ofSeconds(30));
            long member = Proc.writingTo(root.log()).stream().filter(p -> p != root.pid()).findFirst().orElseThrow();
            String line = assertOperationalError(cli.run("checkpoint", Long.toString(root.pid())), "process group");
            assertTrue(line.contains("pid " + member), "the error names the member " + member + ": " + line);
            root.assertRunningUntraced();
            int mark = root.mark();
            root.waitForTicksAfter(mark, 3, Duration.ofSeconds(30));
            root.assertNoFail();
        } finally {
            root.stopTree(Duration.ofSeconds(30));
        }
    }

    /** A child holding what Cryo cannot save: refused naming the child, and the whole tree runs on untraced. */
    @Test
    void aChildHoldingUnsupportedStateIsRefusedAndTheTreeRunsOn() {
        String seccomp = Repo.workload("unsupported_state01") + " seccomp";
        Workload root = Workload.start(tmp.resolve("refused.log"), List.of("/bin/bash", "-c", seccomp + " & wait"));
        try {
            Workload.await(() -> Proc.writingTo(root.log()).size() == 2 && root.lastTick() >= 3, Duration.ofSeconds(30),
                    "the child to tick");
            long child = Proc.writingTo(root.log()).stream().filter(p -> p != root.pid()).findFirst().orElseThrow();
            String line = assertOperationalError(cli.run("checkpoint", Long.toString(root.pid())), "seccomp");
            assertTrue(line.contains("pid " + child), "the error names the child " + child + ": " + line);
            for (long p : List.of(root.pid(), child)) {
                for (Proc.TaskStatus t : Proc.tasks(p)) {
                    assertEquals(0, t.tracerPid(), () -> "task " + t.tid() + " is still traced");
                    assertTrue(!t.state().startsWith("T") && !t.state().startsWith("t"), () -> "task " + t.tid() + " is left stopped");
                }
            }
            int mark = root.mark();
            root.waitForTicksAfter(mark, 3, Duration.ofSeconds(30));
            root.assertNoFail();
        } finally {
            root.stopTree(Duration.ofSeconds(30));
        }
    }
}
