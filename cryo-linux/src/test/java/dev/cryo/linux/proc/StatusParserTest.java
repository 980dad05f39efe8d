package dev.cryo.linux.proc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StatusParserTest {

    @Test
    void unescapesNameAndReadsCredentials() {
        ProcStatus s = StatusParser.parse(Fixture.text("status-weird-comm.txt"));
        assertEquals("a\\b) (c\nd) e", s.name());
        assertEquals(0022, s.umask());
        assertEquals('R', s.state());
        assertEquals(new ProcStatus.Ids(0, 0, 0, 0), s.uid());
        assertEquals(new ProcStatus.Ids(0, 0, 0, 0), s.gid());
        assertEquals(List.of(), s.groups(), "'Groups:\\t \\n' is no group");
        assertEquals(List.of(s.pid()), s.nsPid());
        assertEquals(1, s.threads());
        assertEquals(0x000001fffeffffffL, s.capEff());
        assertEquals(0x000001fffeffffffL, s.capBnd());
        assertEquals(0, s.capAmb());
        assertFalse(s.noNewPrivs());
        assertEquals(0, s.seccomp());
        assertEquals(0, s.seccompFilters());
        assertEquals("thread vulnerable", s.speculationStoreBypass());
        assertEquals(96364, s.sigQ().limit());
    }

    @Test
    void readsNestedPidNamespaceGroupsAndNoNewPrivs() {
        // sleep started by: setpriv --groups 4,27,100 --no-new-privs unshare -pf sleep 30
        ProcStatus s = StatusParser.parse(Fixture.text("status-pidns.txt"));
        assertEquals("sleep", s.name());
        assertEquals(List.of(4, 27, 100), s.groups());
        assertEquals(List.of(3939, 1), s.nsPid());
        assertEquals(List.of(3939, 1), s.nsTgid());
        assertEquals(List.of(3934, 0), s.nsPgid());
        assertEquals(List.of(2405, 0), s.nsSid());
        assertEquals(1, s.innermostPid());
        assertTrue(s.noNewPrivs());
        assertEquals(0, s.capInh());
    }

    @Test
    void parsesThreadStatus() {
        ProcStatus s = StatusParser.parse(Fixture.text("task-status.txt"));
        assertEquals(3871, s.tgid());
        assertEquals(3912, s.pid());
        assertEquals('S', s.state());
        assertEquals(2, s.threads());
    }

    @Test
    void parsesInit() {
        ProcStatus s = StatusParser.parse(Fixture.text("status-init.txt"));
        assertEquals(1, s.pid());
        assertEquals(0, s.ppid());
        assertEquals(0, s.tracerPid());
    }

    @Test
    void readsOwnMaskAndSignals() throws Exception {
        int pid = (int) ProcessHandle.current().pid();
        ProcStatus s = StatusParser.read(pid);
        assertEquals(pid, s.pid());
        assertEquals(pid, s.tgid());
        assertEquals(ProcessHandle.current().parent().orElseThrow().pid(), s.ppid());
        assertTrue(s.threads() > 1);
        assertTrue(s.sigCgt() != 0, "the JVM catches signals (SIGSEGV at least)");
        assertTrue((s.sigCgt() >>> (11 - 1) & 1) != 0, "SIGSEGV is caught");
        assertTrue(s.umask() >= 0);
        ProcStatus main = StatusParser.read(pid, pid);
        assertEquals(s.sigCgt(), main.sigCgt(), "handlers are per process");
    }

    @Test
    void readsChildWithSpacedName(@TempDir Path dir) throws Exception {
        try (SleepingChild child = new SleepingChild(dir, "sp ace) x").awaitSleeping()) {
            ProcStatus s = StatusParser.read(child.pid());
            assertEquals("sp ace) x", s.name());
            assertEquals('S', s.state());
            assertEquals(ProcessHandle.current().pid(), s.ppid());
        }
    }

    @Test
    void keepsLeadingAndTrailingBlanksOfName() {
        ProcStatus s = StatusParser.parse("Name:\t a b \nState:\tS (sleeping)\nPid:\t5\n");
        assertEquals(" a b ", s.name());
        assertEquals(5, s.pid());
        assertEquals(-1, s.umask(), "missing field");
        assertEquals(List.of(), s.nsPid());
    }
}
