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

    /**
     * A child's datagram socket connected to one its parent bound, sending numbers that the parent reads in
     * order on every tick: some wait in the parent's queue at the checkpoint. After the restore the child is
     * connected to the parent's socket again (getpeername) and no number is lost or repeated.
     */
    private static final String SENDER_TO_PARENT = """
            import os, socket, sys, time
            path = sys.argv[1]
            server = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
            server.bind(path)
            if os.fork() == 0:
                server.close()
                client = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
                if len(sys.argv) > 2:
                    client.bind(sys.argv[2])
                client.connect(path)
                n = 0
                while True:
                    if client.getpeername() != path:
                        print("FAIL the child is connected to %r" % client.getpeername(), flush=True)
                        os._exit(1)
                    n += 1
                    client.send(b"%d" % n)
                    time.sleep(0.01)
            server.setblocking(False)
            expected, tick = 1, 0
            while True:
                while len(sys.argv) <= 2:
                    try:
                        got = int(server.recv(64))
                    except BlockingIOError:
                        break
                    if got != expected:
                        print("FAIL received %d, expected %d" % (got, expected), flush=True)
                        os._exit(1)
                    expected += 1
                tick += 1
                print("tick %d ok pid=%d" % (tick, os.getpid()), flush=True)
                time.sleep(0.05)
            """;

    @Test
    void aDatagramSocketSendingToOneBoundInAnotherProcessComesBackConnectedWithTheQueuedDatagrams() {
        Path path = tmp.resolve("parent.sock");
        Workload root = Workload.start(tmp.resolve("sender.log"), List.of(Repo.python(), "-c", SENDER_TO_PARENT, path.toString()));
        try {
            Workload.await(() -> Proc.writingTo(root.log()).size() == 2 && root.lastTick() >= 3, Duration.ofSeconds(30),
                    "the child to connect");
            checkpointKillRestore(root);
            int mark = root.mark();
            root.waitForTicksAfter(mark, 10, Duration.ofSeconds(30)); // the child sends on, the parent checks each number
            root.assertNoFail();
        } finally {
            root.stopTree(Duration.ofSeconds(30));
        }
    }

    /** Datagrams from a bound sender cannot be told apart from the restored sender's own: refused naming the receiver. */
    @Test
    void datagramsWaitingFromABoundSenderAreRefused() {
        Path path = tmp.resolve("parent.sock");
        Workload root = Workload.start(tmp.resolve("sender.log"), List.of(Repo.python(), "-c", SENDER_TO_PARENT, path.toString(),
                tmp.resolve("child.sock").toString()));
        try {
            Workload.await(() -> Proc.writingTo(root.log()).size() == 2 && root.lastTick() >= 3, Duration.ofSeconds(30),
                    "the child to connect");
            String line = assertOperationalError(cli.run("checkpoint", Long.toString(root.pid())), "some bound");
            assertTrue(line.contains("pid " + root.pid()), "the error names the receiving parent " + root.pid() + ": " + line);
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
