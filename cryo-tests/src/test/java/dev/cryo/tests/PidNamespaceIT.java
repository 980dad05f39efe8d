package dev.cryo.tests;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static dev.cryo.tests.ErrorOutput.assertOperationalError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A restore whose PID is taken in our namespace: refused with --pidns host, given its PID in a new PID
 * namespace with --pidns auto (the default, with a warning) and --pidns new. Inside, the process sees
 * its recorded PID and TIDs, also through /proc (its namespace has its own).
 */
class PidNamespaceIT {
    private static final Duration TICKS = Duration.ofSeconds(30);

    @TempDir
    Path tmp;

    private Workload original;

    @AfterEach
    void stop() {
        if (original != null) original.close(); // also kills restored copies writing to its log
    }

    @Test
    void aTakenPidIsRefusedOnTheHostAndGivenInANewNamespaceOtherwise() throws Exception {
        original = Workload.start(tmp.resolve("threads01.log"), List.of(Repo.workload("threads01").toString()));
        original.waitForTick(3, TICKS);
        Cli cli = new Cli(tmp.resolve("store"), tmp);
        CliResult ck = cli.run("checkpoint", "--leave-running", Long.toString(original.pid()));
        assertEquals(0, ck.exitCode(), ck::toString);
        String id = ck.lastLine();

        // the original still runs: its PID is taken
        assertOperationalError(cli.run("restore", "--detach", "--pidns", "host", id), "in use", Long.toString(original.pid()));

        CliResult auto = cli.run("restore", "--detach", id);
        assertEquals(0, auto.exitCode(), auto::toString);
        assertTrue(auto.stderr().contains("new PID namespace"), () -> "a warning says where it went: " + auto);
        long outer = Long.parseLong(auto.lastLine());
        assertInNamespaceAs(outer, original.pid());

        // both copies keep ticking, with the same PID as each sees it, and nothing fails
        int mark = original.mark();
        original.waitForTicksAfter(mark, 10, TICKS);
        original.assertNoFail();
        original.assertPidUnchanged();
        ProcessHandle.of(outer).ifPresent(ProcessHandle::destroyForcibly);
    }

    @Test
    void pidnsNewRestoresIntoANewNamespaceEvenWhenThePidIsFree() throws Exception {
        original = Workload.start(tmp.resolve("threads01.log"), List.of(Repo.workload("threads01").toString()));
        original.waitForTick(3, TICKS);
        Cli cli = new Cli(tmp.resolve("store"), tmp);
        CliResult ck = cli.run("checkpoint", Long.toString(original.pid()));
        assertEquals(0, ck.exitCode(), ck::toString);
        original.waitUntilGone(TICKS);
        long last = original.lastTick();

        CliResult r = cli.run("restore", "--detach", "--pidns", "new", ck.lastLine());
        assertEquals(0, r.exitCode(), r::toString);
        long outer = Long.parseLong(r.lastLine());
        assertInNamespaceAs(outer, original.pid());
        // the original PID no longer exists in our namespace: watch the log, not the PID
        Workload.await(() -> original.lastTick() >= last + 5, TICKS, "ticks from the restored process");
        original.assertNoFail();
        original.assertPidUnchanged();
        ProcessHandle.of(outer).ifPresent(ProcessHandle::destroyForcibly);
    }

    /** NSpid: the outer PID, then the recorded one in the process's own namespace. */
    private static void assertInNamespaceAs(long outer, long recorded) throws Exception {
        String nspid = Files.readAllLines(Path.of("/proc/" + outer + "/status")).stream()
                .filter(l -> l.startsWith("NSpid:")).findFirst().orElseThrow();
        List<String> ids = List.of(nspid.substring("NSpid:".length()).trim().split("\\s+"));
        assertEquals(List.of(Long.toString(outer), Long.toString(recorded)), ids, "NSpid of the restored process");
    }
}
