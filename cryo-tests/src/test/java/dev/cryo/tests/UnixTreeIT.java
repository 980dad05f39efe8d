package dev.cryo.tests;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static dev.cryo.tests.ErrorOutput.assertOperationalError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Unix socketpairs split between two processes (workloads/unixtree01.c): a parent and its child each hold
 * one end of a stream, a datagram and a seqpacket pair, and both send faster than they read, so that
 * records wait in both directions at the checkpoint. Both check every record (numbers and message
 * boundaries) and that the other side's records keep coming.
 */
class UnixTreeIT extends CheckpointRestoreContract {
    @Override
    List<String> command(Path dir) {
        return List.of(Repo.workload("unixtree01").toString());
    }

    /** After a restore each process holds only its own ends: the one that created a pair closed the other end. */
    @Test
    void eachProcessHoldsOnlyItsOwnEndsAfterARestore() {
        Workload w = start();
        List<Long> tree = Proc.writingTo(w.log());
        assertEquals(2, tree.size(), "parent and child: " + tree);
        checkpointKillRestore(w);
        long child = Proc.writingTo(w.log()).stream().filter(p -> p != w.pid()).findFirst().orElseThrow();
        Set<String> parentEnds = sockets(w.pid()), childEnds = sockets(child);
        assertEquals(3, parentEnds.size(), "the parent's sockets: " + parentEnds);
        assertEquals(3, childEnds.size(), "the child's sockets: " + childEnds);
        parentEnds.retainAll(childEnds);
        assertTrue(parentEnds.isEmpty(), "no end is held by both: " + parentEnds);
    }

    /** A child's datagram socket connected to one its parent bound: not a pair, so refused naming both; the tree runs on. */
    private static final String SENDER_TO_PARENT = """
            import os, socket, sys, time
            path = sys.argv[1]
            server = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
            server.bind(path)
            if os.fork() == 0:
                server.close()
                client = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
                client.connect(path)
                while True:
                    time.sleep(1)
            n = 0
            while True:
                n += 1
                print("tick %d ok pid=%d" % (n, os.getpid()), flush=True)
                time.sleep(0.05)
            """;

    @Test
    void aDatagramSocketSendingToOneBoundInAnotherProcessIsRefused() {
        Path path = tmp.resolve("parent.sock");
        Workload root = Workload.start(tmp.resolve("sender.log"), List.of(Repo.python(), "-c", SENDER_TO_PARENT, path.toString()));
        try {
            Workload.await(() -> Proc.writingTo(root.log()).size() == 2 && root.lastTick() >= 3, Duration.ofSeconds(30),
                    "the child to connect");
            long child = Proc.writingTo(root.log()).stream().filter(p -> p != root.pid()).findFirst().orElseThrow();
            String line = assertOperationalError(cli.run("checkpoint", Long.toString(root.pid())), "only pairs");
            assertTrue(line.contains("pid " + child), "the error names the child " + child + ": " + line);
            assertTrue(line.contains("held by pid " + root.pid()), "the error names the parent as the holder: " + line);
            root.assertRunningUntraced();
            int mark = root.mark();
            root.waitForTicksAfter(mark, 3, Duration.ofSeconds(30));
            root.assertNoFail();
        } finally {
            root.stopTree(Duration.ofSeconds(30));
        }
    }

    private static Set<String> sockets(long pid) {
        Set<String> inodes = new HashSet<>();
        for (int fd : Proc.fdsLinkingTo(pid, "socket:")) Proc.fdTarget(pid, fd).ifPresent(t -> inodes.add(t.toString()));
        return inodes;
    }
}
