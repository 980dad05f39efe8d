package dev.cryo.linux.proc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StatParserTest {

    @Test
    void parsesCommWithParenthesesBackslashAndNewline() {
        // python after prctl(PR_SET_NAME, "a\\b) (c\nd) e")
        ProcStat s = StatParser.parse(Fixture.text("stat-weird-comm.txt"));
        assertEquals("a\\b) (c\nd) e", s.comm());
        assertEquals('R', s.state());
        assertEquals(3871, s.pid());
        assertEquals(3868, s.ppid());
        assertEquals(3868, s.pgrp());
        assertEquals(2405, s.session());
        assertEquals(0, s.ttyNr());
        assertEquals(-1, s.tpgid());
        assertEquals(4194304, s.flags());
        assertEquals(20, s.priority());
        assertEquals(0, s.nice());
        assertEquals(1, s.numThreads());
        assertEquals(46743, s.starttime());
        assertEquals(17305600, s.vsize());
        assertEquals(-1L, s.rsslim(), "unlimited rsslim is all ones");
        assertEquals(94763245142016L, s.startcode());
        assertEquals(94763245142357L, s.endcode());
        assertEquals(140735244221344L, s.startstack());
        assertEquals(17, s.exitSignal());
        assertEquals(94763245153712L, s.startData());
        assertEquals(94763245154328L, s.endData());
        assertEquals(94764162355200L, s.startBrk());
        assertEquals(140735244224657L, s.argStart());
        assertEquals(140735244224700L, s.argEnd());
        assertEquals(140735244224700L, s.envStart());
        assertEquals(140735244226511L, s.envEnd());
        assertEquals(0, s.exitCode());
    }

    @Test
    void parsesThreadStat() {
        ProcStat s = StatParser.parse(Fixture.text("task-stat.txt"));
        assertEquals(3912, s.pid());
        assertEquals('S', s.state());
        assertEquals(2, s.numThreads());
        assertEquals(-1, s.exitSignal(), "a non-leader thread has no exit signal");
        assertEquals(0x400040, s.flags(), "PF_FORKNOEXEC | PF_RANDOMIZE");
        assertEquals(0, s.processor());
    }

    @Test
    void readsOwnProcessAndThread() throws Exception {
        int pid = (int) ProcessHandle.current().pid();
        ProcStat self = StatParser.read(pid);
        assertEquals(pid, self.pid());
        assertTrue("RS".indexOf(self.state()) >= 0, "state " + self.state());
        assertTrue(self.numThreads() > 1, "a JVM has several threads");
        assertTrue(self.startcode() > 0 && self.endcode() > self.startcode());
        assertTrue(self.argStart() > 0 && self.argEnd() > self.argStart());
        assertTrue(self.envEnd() >= self.envStart());

        ProcStat leader = StatParser.read(pid, pid);
        assertEquals(pid, leader.pid());
        assertEquals(self.starttime(), leader.starttime());
    }

    @Test
    void readsChildWhoseNameHasSpacesAndParentheses(@TempDir Path dir) throws Exception {
        try (SleepingChild child = new SleepingChild(dir, "x) (y z)").awaitSleeping()) {
            ProcStat s = StatParser.read(child.pid());
            assertEquals("x) (y z)", s.comm());
            assertEquals(ProcessHandle.current().pid(), s.ppid());
            assertEquals('S', s.state());
            assertFalse(s.isDead());
            assertEquals(1, s.numThreads());
            assertEquals(17, s.exitSignal(), "SIGCHLD");
            assertEquals(0, s.policy(), "SCHED_OTHER");
        }
    }

    @Test
    void toleratesOldKernelsWithFewerFields() {
        ProcStat s = StatParser.parse("7 (k) S 2 0 0 0 -1 2129984 0 0 0 0 0 0 0 0 20 0 1 0 5 0 0 18446744073709551615");
        assertEquals(7, s.pid());
        assertEquals(-1L, s.rsslim());
        assertEquals(0, s.envEnd());
        assertEquals(0, s.exitSignal());
    }

    @Test
    void zombieAndStoppedStates() {
        String tail = " 1 1 1 0 -1 4228108 0 0 0 0 0 0 0 0 20 0 1 0 99 0 0 18446744073709551615 0 0 0 0 0 0 0 0 0 0"
                + " 0 0 17 1 0 0 0 0 0 0 0 0 0 0 0 0 35584"; // 52 fields
        ProcStat z = StatParser.parse("42 (defunct) Z" + tail);
        assertTrue(z.isDead());
        assertEquals(0, z.startcode(), "a zombie has no mm");
        assertEquals(35584, z.exitCode(), "wait status of exit(139)");
        assertTrue(StatParser.parse("42 (x) t" + tail).isStopped());
        assertTrue(StatParser.parse("42 (x) T" + tail).isStopped());
        assertFalse(StatParser.parse("42 (x) S" + tail).isStopped());
    }

    @Test
    void rejectsGarbage() {
        assertThrows(ProcFormatException.class, () -> StatParser.parse("not a stat line"));
        assertThrows(ProcFormatException.class, () -> StatParser.parse("12 (x) S 1 2"));
    }
}
