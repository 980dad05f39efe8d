package dev.cryo.tests;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
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

    private static Set<String> sockets(long pid) {
        Set<String> inodes = new HashSet<>();
        for (int fd : Proc.fdsLinkingTo(pid, "socket:")) Proc.fdTarget(pid, fd).ifPresent(t -> inodes.add(t.toString()));
        return inodes;
    }
}
