package dev.cryo.tests;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Application groups through the CLI: `cryo run` in the foreground (stdio attached, exit code passed
 * on) and detached (`ps`, `logs`, `kill`), `checkpoint NAME` and `restore NAME` of the tree01 workload
 * in its own PID namespace (where its root is PID 2), and periodic checkpoints with `--every`/`--keep`.
 * The registry lives in the test's own directory (CRYO_RUN_DIR).
 */
class GroupIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final Pattern TICK = Pattern.compile("tick (\\d+) ok pid=(\\d+)");

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
    void killGroups() {
        for (String g : groups) cli.run(env, "kill", g);
    }

    @Test
    void theForegroundPassesStdoutAndTheExitCodeOn() {
        CliResult r = cli.run(env, "run", "--name", "fg", "--", "/bin/sh", "-c", "echo inside as $$; exit 7");
        assertEquals(7, r.exitCode(), r::toString);
        assertTrue(r.stdout().contains("inside as 2"), () -> "CMD is PID 2 of its own namespace, init is 1: " + r);
    }

    @Test
    void aDetachedGroupIsListedLoggedCheckpointedKilledAndRestoredByName() {
        String name = detached("tree");
        awaitTicks(name, 5);
        String ps = ok("ps", "--json").stdout();
        assertTrue(ps.contains("\"name\":\"tree\"") && ps.contains("\"state\":\"running\""), ps);
        assertTrue(ps.contains("\"processes\":4"), () -> "R, A, B and G (the zombie is in no cgroup): " + ps);

        String id = ok("checkpoint", "--leave-running", name).lastLine();
        long before = lastTick(name);
        awaitTicks(name, before + 5); // left running
        assertTrue(ok("ps").stdout().contains(id), "ps shows the last checkpoint");

        ok("kill", name);
        assertTrue(ok("ps", "--json").stdout().contains("\"state\":\"exited\""));
        long killedAt = lastTick(name);

        CliResult r = ok("restore", "--detach", name);
        long root = Long.parseLong(r.lastLine());
        assertTrue(Proc.alive(root), "the restored root runs");
        awaitTicks(name, killedAt + 5); // the restored copy starts from the checkpoint's count and goes on
        assertNoFail(name);
        for (String line : logLines(name)) {
            Matcher m = TICK.matcher(line);
            if (m.find()) assertEquals("2", m.group(2), "the root sees itself as PID 2, before and after: " + line);
        }

        // and the restored group is a group again: checkpointed by name, restored by name
        ok("checkpoint", name);
        long at = lastTick(name);
        ok("restore", "--detach", name);
        awaitTicks(name, at + 5);
        assertNoFail(name);
    }

    @Test
    void killWithASignalEndsEveryProcessAndWaits() {
        String name = detached("term");
        awaitTicks(name, 3);
        ok("kill", "--signal", "TERM", name);
        String ps = ok("ps", "--json").stdout();
        assertTrue(ps.contains("\"state\":\"exited\""), ps);
        assertOperationalError(cli.run(env, "checkpoint", name), "not running");
    }

    @Test
    void everyTakesPeriodicCheckpointsKeepsTheNewestAndAKilledGroupComesBack() throws Exception {
        Path out = tmp.resolve("every.out");
        Process run = cli.start(env, out, "run", "--name", "every", "--every", "300ms", "--keep", "2", "--",
                Repo.workload("tree01").toString());
        groups.add("every");
        try {
            Workload.await(() -> checkpointsOf("every") >= 2 && countLines(Path.of(out + ".err"), "checkpoint of every:") >= 4,
                    TIMEOUT, "periodic checkpoints");
            // between a checkpoint's commit and the pruning after it there are 3 for a moment (warm
            // incremental checkpoints every 300 ms make that moment a good part of the time)
            Workload.await(() -> checkpointsOf("every") <= 2, TIMEOUT, "only the newest 2 to be kept");
            long before = lastTickIn(out);
            ok("kill", "every");
            assertTrue(run.waitFor(30, TimeUnit.SECONDS), "cryo run ends with its group");
            assertEquals(137, run.exitValue(), "the root was killed: 128 + SIGKILL");

            // its stdout was every.out: the restored tree writes on there, from the checkpoint's offset
            ok("restore", "--detach", "every");
            Workload.await(() -> lastTickIn(out) >= before + 5, TIMEOUT, "ticks of the restored group");
            assertFalse(Files.readString(out).contains("FAIL"), () -> "the restored group reported a failure");
        } finally {
            run.destroyForcibly();
        }
    }

    @Test
    void aDetachedGroupIsCheckpointedPeriodicallyByItsSupervisor() {
        String printed = ok("run", "--detach", "--name", "sup", "--every", "300ms", "--keep", "2", "--",
                Repo.workload("tree01").toString()).lastLine();
        assertEquals("sup", printed);
        groups.add("sup");
        Path supervisorLog = tmp.resolve("run/groups/sup/supervisor.log");
        Workload.await(() -> countLines(supervisorLog, "checkpoint of sup:") >= 3, TIMEOUT, "periodic checkpoints");
        Workload.await(() -> checkpointsOf("sup") <= 2, TIMEOUT, "only the newest 2 to be kept"); // see above
        ok("kill", "sup");
        long killedAt = lastTick("sup");
        ok("restore", "--detach", "sup");
        awaitTicks("sup", killedAt + 5);
        assertNoFail("sup");
    }

    private String detached(String name) {
        String printed = ok("run", "--detach", "--name", name, "--", Repo.workload("tree01").toString()).lastLine();
        assertEquals(name, printed);
        groups.add(name);
        return name;
    }

    /** Runs cryo with our registry directory and asserts success. */
    private CliResult ok(String... args) {
        CliResult r = cli.run(env, args);
        assertEquals(0, r.exitCode(), () -> "expected success: " + r);
        return r;
    }

    private void awaitTicks(String name, long atLeast) {
        log.awaitTicks(name, atLeast, TIMEOUT);
    }

    private List<String> logLines(String name) {
        return log.lines(name);
    }

    private long lastTick(String name) {
        return log.lastTick(name);
    }

    private void assertNoFail(String name) {
        log.assertNoFail(name);
    }

    private long checkpointsOf(String name) {
        CliResult r = cli.run(env, "ls", "--json", name);
        return r.stdout().split("\"id\"", -1).length - 1;
    }

    private static long countLines(Path file, String text) {
        try {
            return Files.readAllLines(file).stream().filter(l -> l.contains(text)).count();
        } catch (java.io.IOException e) {
            return 0;
        }
    }

    /** The highest tick in a file (a restored writer overwrites from its old offset: not always the last line). */
    private static long lastTickIn(Path file) {
        long last = 0;
        try {
            Matcher m = TICK.matcher(Files.readString(file, java.nio.charset.StandardCharsets.ISO_8859_1));
            while (m.find()) last = Math.max(last, Long.parseLong(m.group(1)));
        } catch (java.io.IOException e) {
            return 0;
        }
        return last;
    }
}
