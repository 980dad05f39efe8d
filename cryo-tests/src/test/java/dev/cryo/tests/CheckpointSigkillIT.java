package dev.cryo.tests;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Killing cryo with SIGKILL at any moment of a checkpoint leaves the application running on its own,
 * exactly as it was, and the store valid. Cryo is killed two ways: by itself at numbered crash points
 * ({@code CRYO_FAULT_KILL_AT}: between every step that changes the stopped process, most of them inside
 * injected calls), and from outside at random moments over the whole measured duration of a checkpoint,
 * half of the time with the injection phase widened ({@code CRYO_FAULT_DELAY_US}) so that many kills land
 * in it. After each kill the application must be untraced, not stopped, with every thread's signal mask
 * and the set of its mappings as before, and must go on passing its own checks; at the end the store
 * verifies and a checkpoint and restore of the same application work.
 */
class CheckpointSigkillIT {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Pattern POINTS = Pattern.compile("crash-points=(\\d+)");
    private static final int AT_POINTS = 24, AT_RANDOM = 12;
    /** Each crash point waits this long when widened: a checkpoint passes hundreds of points. */
    private static final String WIDEN_US = "400";

    @TempDir
    Path tmp;

    private Workload workload;

    @AfterEach
    void stop() {
        if (workload != null) workload.close();
    }

    /** What must be the same after cryo died as before it started. */
    record Snapshot(Map<Long, String> sigBlk, TreeSet<String> maps) {
        static Snapshot of(long pid) {
            Map<Long, String> masks = new TreeMap<>();
            TreeSet<String> maps = new TreeSet<>();
            try {
                try (var tasks = Files.newDirectoryStream(Path.of("/proc/" + pid + "/task"))) {
                    for (Path t : tasks) {
                        for (String l : Files.readAllLines(t.resolve("status"))) {
                            if (l.startsWith("SigBlk:")) masks.put(Long.parseLong(t.getFileName().toString()), l.substring(7).strip());
                        }
                    }
                }
                for (String l : Files.readAllLines(Path.of("/proc/" + pid + "/maps"))) {
                    String[] f = l.trim().split("\\s+");
                    maps.add(f[0] + " " + f[1] + (f.length > 5 ? " " + f[5] : ""));
                }
            } catch (IOException e) {
                return new Snapshot(Map.of(), new TreeSet<>()); // gone: compares unequal to any live one
            }
            return new Snapshot(masks, maps);
        }

        /**
         * The process at rest: the same snapshot three times in a row. A single one may catch a thread
         * inside a signal handler (signals01 takes SIGALRM every 10 ms), its mask widened for a moment, and
         * the process would then never look "as before" again.
         */
        static Snapshot settled(long pid) {
            Snapshot[] last = new Snapshot[3];
            int[] n = {0};
            Workload.await(() -> {
                Snapshot s = of(pid);
                n[0] = s.equals(last[0]) ? n[0] + 1 : 1;
                last[0] = s;
                return n[0] >= 3;
            }, WAIT, "pid " + pid + " at rest (three equal snapshots in a row)");
            return last[0];
        }
    }

    @ParameterizedTest(name = "cryo killed during a checkpoint of {0}")
    @ValueSource(strings = {"signals01", "threads01 32"})
    void theApplicationRunsOnAsItWas(String spec) {
        long seed = Long.getLong("cryo.test.seed", System.nanoTime());
        System.out.println(getClass().getSimpleName() + " " + spec + ": seed " + seed + " (-Dcryo.test.seed to replay)");
        Random random = new Random(seed);
        List<String> command = new ArrayList<>(List.of(spec.split(" ")));
        command.set(0, Repo.workload(command.getFirst()).toString());
        workload = Workload.start(tmp.resolve("workload.log"), command);
        workload.waitForTick(3, WAIT);
        long pid = workload.pid();
        Cli cli = new Cli(tmp.resolve("store"), tmp);
        Snapshot before = Snapshot.settled(pid);

        // one whole checkpoint: how long it takes, and how many crash points it passes
        long t0 = System.nanoTime();
        CliResult whole = cli.run(Map.of("CRYO_TIMINGS", "1"), "checkpoint", "--leave-running", Long.toString(pid));
        long millis = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(0, whole.exitCode(), () -> "a checkpoint without kill works: " + whole);
        Matcher m = POINTS.matcher(whole.stderr());
        assertTrue(m.find(), () -> "CRYO_TIMINGS reports the crash points: " + whole);
        int points = Integer.parseInt(m.group(1));
        // kill mode skips the thaw: two points per thread and one after it
        int killModePoints = points - 2 * before.sigBlk().size() - 1;
        assertRunsOnAsBefore(before, "after a whole checkpoint");

        for (int i = 0; i < AT_POINTS; i++) {
            boolean leaveRunning = i % 2 == 0;
            int limit = leaveRunning ? points : killModePoints;
            int k = Math.min(limit - 1, (int) ((long) i * limit / AT_POINTS) + random.nextInt(Math.max(1, limit / AT_POINTS)));
            CliResult r = cli.run(Map.of("CRYO_FAULT_KILL_AT", Integer.toString(k)), args(leaveRunning, pid));
            assertEquals(137, r.exitCode(), () -> "cryo killed itself at crash point " + k + " of " + limit + ": " + r);
            assertRunsOnAsBefore(before, "cryo killed at crash point " + k + " of " + limit + (leaveRunning ? " (--leave-running)" : ""));
        }

        int killed = 0;
        for (int i = 0; i < AT_RANDOM; i++) {
            boolean leaveRunning = i % 2 == 0, widened = i % 4 < 2;
            long span = millis + (widened ? points * Long.parseLong(WIDEN_US) / 1000 : 0);
            long delay = random.nextLong(span + 1);
            List<String> stored = checkpoints(cli);
            Cli.Started started = cli.start(widened ? Map.of("CRYO_FAULT_DELAY_US", WIDEN_US) : Map.of(), args(leaveRunning, pid));
            sleepMillis(delay); // a random moment to kill at, not a wait for anything
            started.process().destroyForcibly();
            CliResult r = started.await(WAIT);
            String what = "cryo killed " + delay + " ms after its start" + (widened ? " (injection widened)" : "")
                    + (leaveRunning ? " (--leave-running)" : "");
            if (!leaveRunning && (r.exitCode() == 0 || !workload.alive())) {
                // it committed and killed the application (and was killed itself, or finished, after that):
                // the checkpoint must be there; bring the application back and go on with the restored one
                List<String> added = checkpoints(cli);
                added.removeAll(stored);
                assertEquals(1, added.size(), () -> what + ": the application was killed, so its checkpoint is committed: "
                        + r + "\n" + workload.tail());
                workload.waitUntilGone(WAIT);
                assertEquals(pid, cli.restoreDetached(added.getFirst()), "restored with its PID");
                workload.waitForTicksAfter(workload.mark(), 2, WAIT);
                before = Snapshot.settled(pid);
                continue;
            }
            if (r.exitCode() == 137) killed++;
            assertRunsOnAsBefore(before, what);
        }
        System.out.println(getClass().getSimpleName() + " " + spec + ": " + points + " crash points, checkpoint "
                + millis + " ms, " + killed + " of " + AT_RANDOM + " random kills landed before cryo finished");

        cli.ok("verify");
        int mark = workload.mark();
        String id = cli.checkpoint(pid);
        workload.waitUntilGone(WAIT);
        assertEquals(pid, cli.restoreDetached(id), "restored with its PID");
        workload.waitForTicksAfter(mark, 3, WAIT);
        workload.assertNoFail();
        workload.assertPidUnchanged();
    }

    /**
     * The restore side: a restore killed at any moment never leaves a half-made process running. From the
     * moment cryo seizes the stub it has PTRACE_O_EXITKILL (and so do the threads it clones): it dies with
     * cryo, the whole process, until the last thread is let go. Before that it has run nothing of the
     * program: it waits stopped, and the next restore ends it. The image stays restorable.
     */
    @org.junit.jupiter.api.Test
    void aKilledRestoreLeavesNothingHalfMade() {
        long seed = Long.getLong("cryo.test.seed", System.nanoTime());
        System.out.println(getClass().getSimpleName() + " restore: seed " + seed + " (-Dcryo.test.seed to replay)");
        Random random = new Random(seed);
        workload = Workload.start(tmp.resolve("workload.log"), List.of(Repo.workload("signals01").toString()));
        workload.waitForTick(3, WAIT);
        long pid = workload.pid();
        Cli cli = new Cli(tmp.resolve("store"), tmp);
        String id = cli.checkpoint(pid);
        workload.waitUntilGone(WAIT);

        long t0 = System.nanoTime();
        CliResult whole = cli.run(Map.of("CRYO_TIMINGS", "1"), "restore", "--detach", id);
        long millis = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(0, whole.exitCode(), () -> "a restore without kill works: " + whole);
        assertEquals(Long.toString(pid), whole.lastLine(), "restored with its PID");
        Matcher m = POINTS.matcher(whole.stderr());
        assertTrue(m.find(), () -> "CRYO_TIMINGS reports the crash points: " + whole);
        int points = Integer.parseInt(m.group(1));
        workload.waitForTicksAfter(workload.mark(), 2, WAIT);
        endRestored();

        int killed = 0;
        for (int i = 0; i < points + AT_RANDOM; i++) {
            boolean atPoint = i < points;
            long delay = atPoint ? 0 : random.nextLong(millis + 1);
            int mark = workload.mark();
            Cli.Started started = cli.start(atPoint ? Map.of("CRYO_FAULT_KILL_AT", Integer.toString(i)) : Map.of(),
                    "restore", "--detach", id);
            if (!atPoint) {
                sleepMillis(delay); // a random moment to kill at, not a wait for anything
                started.process().destroyForcibly();
            }
            CliResult r = started.await(WAIT);
            String what = atPoint ? "cryo killed at restore crash point " + i + " of " + points
                    : "cryo killed " + delay + " ms into a restore";
            if (r.exitCode() != 0) killed++;
            // dead with its tracer, or a stub stopped before it ran anything, or (killed after the end) whole
            Workload.await(() -> Proc.gone(pid) || Proc.state(pid).orElse("").matches("[TZ].*")
                    || workload.ticksAfter(mark).size() >= 2, WAIT, what + ": pid " + pid + " dead, stopped or whole");
            if (workload.ticksAfter(mark).size() >= 2) {
                workload.assertRunningUntraced(); // a whole process, running its checks
                workload.assertNoFail();
                endRestored();
            } else {
                Workload.await(() -> Proc.writingTo(workload.log()).isEmpty(), WAIT, what + ": no half-made process runs");
            }
        }
        System.out.println(getClass().getSimpleName() + " restore: " + points + " crash points, " + millis + " ms, "
                + killed + " of " + (points + AT_RANDOM) + " kills landed before cryo finished");

        int last = workload.mark();
        assertEquals(pid, cli.restoreDetached(id), "the image is restored with its PID, a leftover stub ended");
        workload.waitForTicksAfter(last, 3, WAIT);
        workload.assertNoFail();
    }

    /** Kills the restored workload and waits until its PID is free for the next restore. */
    private void endRestored() {
        workload.stop();
        workload.waitUntilGone(WAIT);
    }

    /** Ids of the checkpoints in the store, oldest first. */
    private static List<String> checkpoints(Cli cli) {
        return new ArrayList<>(cli.ok("ls").stdout().lines().skip(1).map(l -> l.split("\\s+")[0])
                .filter(id -> !id.isBlank()).toList());
    }

    private static String[] args(boolean leaveRunning, long pid) {
        return leaveRunning ? new String[] {"checkpoint", "--leave-running", Long.toString(pid)}
                : new String[] {"checkpoint", Long.toString(pid)};
    }

    private void assertRunsOnAsBefore(Snapshot before, String what) {
        long pid = workload.pid();
        Workload.await(() -> !Proc.tasks(pid).isEmpty() && Proc.tasks(pid).stream().allMatch(t -> t.tracerPid() == 0
                && !t.state().startsWith("T") && !t.state().startsWith("t")), WAIT, "pid " + pid + " untraced and running, " + what);
        workload.assertRunningUntraced();
        // a thread may be inside a handler (its mask widened for a moment): the masks must come back
        try {
            Workload.await(() -> Snapshot.of(pid).equals(before), WAIT, "pid " + pid + " as before, " + what);
        } catch (AssertionError e) {
            Snapshot now = Snapshot.of(pid);
            fail(what + ": pid " + pid + " is not as before.\nsignal masks before " + before.sigBlk() + "\n              now "
                    + now.sigBlk() + "\nmappings gone " + difference(before.maps(), now.maps()) + "\nmappings new "
                    + difference(now.maps(), before.maps()), e);
        }
        int mark = workload.mark();
        workload.waitForTicksAfter(mark, 2, WAIT);
        workload.assertNoFail();
    }

    private static TreeSet<String> difference(TreeSet<String> a, TreeSet<String> b) {
        TreeSet<String> d = new TreeSet<>(a);
        d.removeAll(b);
        return d;
    }

    private static void sleepMillis(long ms) {
        Workload.sleep(Duration.ofMillis(ms));
    }
}
