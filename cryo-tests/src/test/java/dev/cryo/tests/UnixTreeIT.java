package dev.cryo.tests;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

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

    /**
     * Datagrams waiting from bound senders come back from the same names: a child bound to a name (a path,
     * or an abstract one) sends numbers to its parent, which checks every sender's name and number; and
     * datagrams sent to a second socket of the parent from a socket that has been closed since wait, unread,
     * until the test asks for them after the restore (they are sent again from a socket bound to that name
     * for the moment, whose file a path name does not leave behind).
     */
    private static final String BOUND_SENDERS = """
            import os, socket, sys, time
            path, child_name, gone_name, drain = sys.argv[1:5]
            def name(n): return "\\0" + n[1:] if n.startswith("@") else n
            def seen_as(n): return name(n).encode() if n.startswith("@") else n
            def fail(what):
                print("FAIL " + what, flush=True)
                os._exit(1)
            server = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
            server.bind(path)
            later = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
            later.bind(path + ".later")
            gone = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
            gone.bind(name(gone_name))
            for i in range(3):
                gone.sendto(b"early %d" % i, path + ".later")
            gone.close()
            if not gone_name.startswith("@"):
                os.unlink(gone_name)
            if os.fork() == 0:
                server.close()
                later.close()
                client = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
                client.bind(name(child_name))
                client.connect(path)
                n = 0
                while True:
                    n += 1
                    client.send(b"%d" % n)
                    time.sleep(0.01)
            server.setblocking(False)
            expected, tick, drained = 1, 0, False
            while True:
                while True:
                    try:
                        data, sender = server.recvfrom(64)
                    except BlockingIOError:
                        break
                    if sender != seen_as(child_name):
                        fail("datagram %r from %r, not %r" % (data, sender, seen_as(child_name)))
                    if int(data) != expected:
                        fail("received %d, expected %d" % (int(data), expected))
                    expected += 1
                if not drained and os.path.exists(drain):
                    for i in range(3):
                        data, sender = later.recvfrom(64)
                        if data != b"early %d" % i or sender != seen_as(gone_name):
                            fail("early datagram %r from %r" % (data, sender))
                    drained = True
                    open(drain + ".done", "w").close()
                tick += 1
                print("tick %d ok pid=%d" % (tick, os.getpid()), flush=True)
                time.sleep(0.05)
            """;

    @Test
    void datagramsWaitingFromBoundSendersComeBackFromTheirPathNames() throws Exception {
        datagramsFromBoundSenders(tmp.resolve("child.sock").toString(), "@cryo-gone-" + ProcessHandle.current().pid());
    }

    @Test
    void datagramsWaitingFromBoundSendersComeBackFromTheirAbstractNames() throws Exception {
        datagramsFromBoundSenders("@cryo-child-" + ProcessHandle.current().pid(), tmp.resolve("gone.sock").toString());
    }

    private void datagramsFromBoundSenders(String child, String gone) throws Exception {
        Path drain = tmp.resolve("drain");
        Workload root = Workload.start(tmp.resolve("sender.log"), List.of(Repo.python(), "-c", BOUND_SENDERS,
                tmp.resolve("parent.sock").toString(), child, gone, drain.toString()));
        try {
            Workload.await(() -> Proc.writingTo(root.log()).size() == 2 && root.lastTick() >= 3, Duration.ofSeconds(30),
                    "the child to connect");
            checkpointKillRestore(root);
            int mark = root.mark();
            root.waitForTicksAfter(mark, 10, Duration.ofSeconds(30)); // the child sends on, the parent checks each
            if (!gone.startsWith("@")) assertTrue(java.nio.file.Files.notExists(Path.of(gone)), "no file left at " + gone);
            java.nio.file.Files.createFile(drain);
            Workload.await(() -> java.nio.file.Files.exists(Path.of(drain + ".done")), Duration.ofSeconds(30),
                    "the early datagrams to be read");
            root.waitForTicksAfter(root.mark(), 3, Duration.ofSeconds(30));
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
