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
    void seccompFiltersSignalMasksAndSigQ() {
        ProcStatus s = StatusParser.parse("Name:\tsandboxed\nState:\tt (tracing stop)\nTracerPid:\t812\n"
                + "SigQ:\t3/63432\nSigPnd:\t0000000000000100\nShdPnd:\t0000000000004000\n"
                + "SigBlk:\t0000000000010002\nSigIgn:\t0000000000001000\nSigCgt:\t0000000180000000\n"
                + "CapAmb:\t0000000000000400\nNoNewPrivs:\t1\nSeccomp:\t2\nSeccomp_filters:\t3\n"
                + "Speculation_Store_Bypass:\tthread force mitigated\n");
        assertEquals('t', s.state());
        assertEquals(812, s.tracerPid());
        assertEquals(new ProcStatus.SigQ(3, 63432), s.sigQ());
        assertEquals(1L << (9 - 1), s.sigPnd(), "SIGKILL pending on the thread");
        assertEquals(1L << (15 - 1), s.shdPnd(), "SIGTERM pending on the process");
        assertTrue(s.isBlocked(2), "SIGINT");
        assertTrue(s.isBlocked(17), "SIGCHLD");
        assertFalse(s.isBlocked(15));
        assertEquals(1L << (13 - 1), s.sigIgn(), "SIGPIPE ignored");
        assertEquals(0x180000000L, s.sigCgt(), "real-time signals 32 and 33 caught");
        assertEquals(1L << 10, s.capAmb(), "CAP_NET_BIND_SERVICE");
        assertEquals(2, s.seccomp(), "SECCOMP_MODE_FILTER");
        assertEquals(3, s.seccompFilters());
        assertEquals("thread force mitigated", s.speculationStoreBypass());
        assertEquals(ProcStatus.Ids.UNKNOWN, s.uid(), "missing lines stay unknown");
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
