package dev.cryo.tests;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SIGKILL of {@code cryo} at random moments of the commands that change the store (rm, gc, import, and the
 * store-writing part of checkpoint --leave-running), many times: afterwards the store verifies, and later
 * checkpoints and restores work. Each delay is drawn over the measured duration of the command, so kills
 * land in every phase (start-up, writing packs, index, manifest, deleting). Iterations per command:
 * {@code -Dcryo.sigkill.iterations} (default 10; the bench notes record a run with 30).
 */
class StoreSigkillIT {
    private static final Duration TICKS = Duration.ofSeconds(30);
    private static final int ITERATIONS = Integer.getInteger("cryo.sigkill.iterations", 10);

    @TempDir
    Path tmp;

    private Cli cli;
    private final List<Workload> started = new ArrayList<>();
    private final SplittableRandom random = new SplittableRandom(Long.getLong("cryo.sigkill.seed", System.nanoTime()));

    @BeforeEach
    void newStore() {
        cli = new Cli(tmp.resolve("store"), tmp);
    }

    @AfterEach
    void stopWorkloads() {
        started.forEach(Workload::close);
    }

    private Workload counter(String name, int mib) {
        Workload w = Workload.start(tmp.resolve(name + "-" + started.size() + ".log"),
                List.of(Repo.workload("counter01").toString(), Integer.toString(mib)));
        started.add(w);
        w.waitForTick(2, TICKS);
        return w;
    }

    /** Runs {@code args} once to completion; returns how long it took. */
    private long measure(Supplier<Cli.Started> run) {
        long t0 = System.nanoTime();
        CliResult r = run.get().await(Duration.ofSeconds(90));
        assertEquals(0, r.exitCode(), r::toString);
        return Math.max(1, (System.nanoTime() - t0) / 1_000_000);
    }

    /** Starts the command, SIGKILLs it after a random part of {@code millis} (unless it is done), then checks the store. */
    private void killAtRandom(Supplier<Cli.Started> run, long millis) throws InterruptedException {
        Cli.Started r = run.get();
        long delay = random.nextLong(millis);
        // the delay is the point of the test (a kill at a random instant), not a wait for a condition
        boolean finished = r.process().waitFor(delay, java.util.concurrent.TimeUnit.MILLISECONDS);
        if (!finished) {
            r.process().destroyForcibly(); // SIGKILL, by PID: the launcher exec()s java, so this is cryo itself
        }
        r.await(Duration.ofSeconds(30));
        CliResult v = cli.run("verify");
        assertEquals(0, v.exitCode(), () -> "the store must verify after a SIGKILL at " + delay + " ms of "
                + String.join(" ", r.command()) + ": " + v);
    }

    /** Later checkpoints and restores work: a new process is checkpointed, killed and restored. */
    private void storeStillWorks() {
        Workload w = counter("after", 8);
        String id = cli.checkpoint(w.pid());
        w.waitUntilGone(TICKS);
        int mark = w.mark();
        assertEquals(w.pid(), cli.restoreDetached(id));
        w.waitForTicksAfter(mark, 3, TICKS);
        w.assertNoFail();
        assertEquals(0, cli.run("gc").exitCode());
        assertEquals(0, cli.run("verify").exitCode());
    }

    @Test
    void killedCheckpointsLeaveAValidStore() throws Exception {
        Workload w = counter("w", 64);
        long millis = measure(() -> cli.startWithInput(null, "checkpoint", "--leave-running", Long.toString(w.pid())));
        for (int i = 0; i < ITERATIONS; i++) {
            // a fresh process each time: what a kill during the freeze does to the process is not this test's
            Workload target = counter("t", 64);
            killAtRandom(() -> cli.startWithInput(null, "checkpoint", "--leave-running", Long.toString(target.pid())), millis);
            target.close();
        }
        storeStillWorks();
    }

    @Test
    void killedImportsLeaveAValidStore() throws Exception {
        Cli source = new Cli(tmp.resolve("source"), tmp);
        Workload w = counter("w", 32);
        String id = source.checkpoint(w.pid());
        Path file = tmp.resolve("ck.cryo");
        source.ok("export", id, file.toString());
        long millis = measure(() -> cli.startWithInput(file, "import", "-"));
        for (int i = 0; i < ITERATIONS; i++) {
            cli.ok("rm", id);
            if (i % 2 == 0) {
                cli.ok("gc"); // so that the import has everything to write again
            }
            killAtRandom(() -> cli.startWithInput(file, "import", "-"), millis);
            List<String> listed = cli.ok("ls").stdout().lines().skip(1).toList();
            assertTrue(listed.isEmpty() || listed.getFirst().startsWith(id.substring(0, 12)),
                    () -> "either nothing or the whole checkpoint was imported: " + listed);
            cli.ok("import", file.toString()); // the store takes it whole afterwards
        }
        storeStillWorks();
    }

    @Test
    void killedRmAndGcLeaveAValidStore() throws Exception {
        Cli source = new Cli(tmp.resolve("source"), tmp);
        Workload small = counter("small", 8);
        Workload big = counter("big", 48);
        String keep = source.checkpoint(small.pid());
        String drop = source.checkpoint(big.pid());
        Path keepFile = tmp.resolve("keep.cryo");
        Path dropFile = tmp.resolve("drop.cryo");
        source.ok("export", keep, keepFile.toString());
        source.ok("export", drop, dropFile.toString());
        cli.ok("import", keepFile.toString());

        cli.ok("import", dropFile.toString());
        long rmMillis = measure(() -> cli.startWithInput(null, "rm", drop));
        cli.ok("import", dropFile.toString());
        cli.ok("rm", drop);
        long gcMillis = measure(() -> cli.startWithInput(null, "gc"));
        for (int i = 0; i < ITERATIONS; i++) {
            cli.ok("import", dropFile.toString());
            killAtRandom(() -> cli.startWithInput(null, "rm", drop), rmMillis);
            cli.run("rm", drop); // fails harmlessly if the killed rm got that far
            killAtRandom(() -> cli.startWithInput(null, "gc"), gcMillis);
        }
        cli.ok("gc");
        CliResult v = cli.ok("verify", keep);
        assertTrue(v.exitCode() == 0);
        storeStillWorks();
    }
}
