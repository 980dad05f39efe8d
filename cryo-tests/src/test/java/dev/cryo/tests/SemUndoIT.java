package dev.cryo.tests;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.cryo.tests.ErrorOutput.assertOperationalError;
import static dev.cryo.tests.ErrorOutput.mentionsNumber;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * SEM_UNDO adjustments of every process of a group (workloads/semundo01.c: four processes, one of them
 * with three threads, adjustments of +1, -1 and large ones on two sets). The workload checks every value
 * and, in each process, its own adjustments on every tick; on SIGUSR1 it ends its children one by one and
 * checks that the kernel applied exactly each one's adjustments. Killed and restored, the adjustments come
 * back; left running, the checkpoint changes neither values nor adjustments. A process that may not
 * alter a set (whose adjustments there cannot be read) is refused, naming it, and goes on.
 */
class SemUndoIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final Pattern SEM_LINE = Pattern.compile("^0x43525a0[01]\\s.*", Pattern.MULTILINE);

    @TempDir
    Path tmp;

    private Cli cli;
    private GroupLog log;
    private Map<String, String> env;
    private final List<String> groups = new ArrayList<>();

    @BeforeEach
    void setUp() {
        cli = new Cli(tmp.resolve("store"), tmp);
        env = Map.of("CRYO_RUN_DIR", tmp.resolve("run").toString());
        log = new GroupLog(tmp.resolve("run"));
    }

    @AfterEach
    void cleanUp() {
        for (String g : groups) cli.run(env, "kill", g);
    }

    @Test
    void adjustmentsOfEveryProcessComeBackAfterAKill() throws Exception {
        String name = "undo-kill";
        start(name);
        String values = semaphores(rootPid(name));

        ok("checkpoint", name);
        long killedAt = log.lastTick(name);
        ok("restore", "--detach", name);
        log.awaitTicks(name, killedAt + 5, TIMEOUT); // every process found its own adjustments, the parent the values
        long root = rootPid(name);
        assertEquals(values, semaphores(root), "the values of the restored sets");

        endChildren(name, root); // and the kernel applies the restored adjustments when they exit
        log.assertNoFail(name);
    }

    @Test
    void aLeaveRunningCheckpointChangesNoValueAndNoAdjustment() throws Exception {
        String name = "undo-leave";
        start(name);
        long root = rootPid(name);
        String values = semaphores(root);

        ok("checkpoint", "--leave-running", name);
        ok("checkpoint", "--leave-running", name);
        log.awaitTicks(name, log.lastTick(name) + 5, TIMEOUT); // each process read its adjustments unchanged
        assertEquals(values, semaphores(root), "the values after two checkpoints");

        endChildren(name, root); // the adjustments the kernel applies at exit are the ones made before
        log.assertNoFail(name);

        // and the checkpoint taken left running restores, with its adjustments
        ok("kill", name);
        ok("restore", "--detach", name);
        log.awaitTicks(name, log.lastTick(name) + 5, TIMEOUT);
        endChildren(name, rootPid(name));
        log.assertNoFail(name);
    }

    @Test
    void aProcessThatMayNotAlterASetIsRefusedAndGoesOn() {
        String name = "undo-noperm";
        assertEquals(name, ok("run", "--detach", "--name", name, "--", Repo.workload("semundo01").toString(),
                "noperm").lastLine());
        groups.add(name);
        log.awaitTicks(name, 3, TIMEOUT);
        List<String> children = children(rootPid(name));
        assertEquals(1, children.size(), children.toString());
        String line = assertOperationalError(cli.run(env, "checkpoint", name), "SEM_UNDO");
        assertTrue(mentionsNumber(line, Long.parseLong(children.getFirst())), "the error names the process: " + line);
        log.awaitTicks(name, log.lastTick(name) + 3, TIMEOUT);
        log.assertNoFail(name);
    }

    private void start(String name) {
        assertEquals(name, ok("run", "--detach", "--name", name, "--", Repo.workload("semundo01").toString()).lastLine());
        groups.add(name);
        log.awaitTicks(name, 5, TIMEOUT);
    }

    /** Has the workload end its three children; its checks of the values after each exit must pass. */
    private void endChildren(String name, long root) throws Exception {
        assertEquals(3, children(root).size(), "the root's children before");
        run("/bin/kill", "-USR1", Long.toString(root));
        Workload.await(() -> children(root).isEmpty(), TIMEOUT, "the children of " + root + " to be ended");
        log.awaitTicks(name, log.lastTick(name) + 3, TIMEOUT);
    }

    private static List<String> children(long pid) {
        try {
            String s = Files.readString(Path.of("/proc/" + pid + "/task/" + pid + "/children")).strip();
            return s.isEmpty() ? List.of() : List.of(s.split("\\s+"));
        } catch (IOException e) {
            throw new AssertionError("pid " + pid + ": " + e, e);
        }
    }

    /** The value of every semaphore of the two sets, read in the group's IPC namespace. */
    private static String semaphores(long pid) throws Exception {
        String list = run("nsenter", "--ipc=/proc/" + pid + "/ns/ipc", "ipcs", "-s");
        Matcher m = SEM_LINE.matcher(list);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String id = m.group().trim().split("\\s+")[1];
            for (String line : run("nsenter", "--ipc=/proc/" + pid + "/ns/ipc", "ipcs", "-s", "-i", id).split("\n")) {
                String[] f = line.trim().split("\\s+");
                if (f.length == 5 && f[0].matches("\\d+")) out.append(id).append('/').append(f[0]).append('=').append(f[1]).append(' ');
            }
        }
        assertTrue(out.length() > 0, list);
        return out.toString();
    }

    private static String run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0, String.join(" ", cmd) + ": " + out);
        return out;
    }

    /** The group's root as seen from here. */
    private long rootPid(String name) {
        Matcher m = Pattern.compile("\"pid\":(\\d+)").matcher(ok("ps", "--json").stdout());
        if (!m.find()) fail("no pid for " + name);
        return Long.parseLong(m.group(1));
    }

    private CliResult ok(String... args) {
        CliResult r = cli.run(env, args);
        assertEquals(0, r.exitCode(), () -> "expected success: " + r);
        return r;
    }
}
