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
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Incremental checkpoints (dirty tracking) of workloads/dirty01.c, which writes pages at random between
 * checkpoints (stores, read(2) into its pages, MADV_DONTNEED, copy-on-write and dropped pages of a private
 * file mapping, areas mmap'd, munmap'd and mremap'd) and checks all its memory against a replay of its
 * history on every tick: every restore from every checkpoint must give back exactly what it held.
 */
class IncrementalIT {
    private static final Duration TICKS = Duration.ofSeconds(30);
    private static final Path TRACK = Path.of("/run/cryo/track");

    @TempDir
    Path tmp;
    private Cli cli;
    private final List<Workload> started = new ArrayList<>();

    /** What one checkpoint reported, with the ticks seen just before and after it. */
    private record Taken(String id, String mode, String baseline, long stored, long logical, long before, long after) {}

    @BeforeEach
    void newStore() {
        cli = new Cli(tmp.resolve("store"), tmp);
    }

    @AfterEach
    void stopWorkloads() {
        started.forEach(Workload::close);
    }

    private Workload start(String... more) {
        List<String> cmd = new ArrayList<>(List.of(Repo.workload("dirty01").toString(), "32",
                tmp.resolve("mapped.dat").toString()));
        cmd.addAll(List.of(more));
        Workload w = Workload.start(tmp.resolve("workload.log"), cmd);
        started.add(w);
        w.waitForTick(3, TICKS);
        return w;
    }

    private Taken checkpoint(Workload w, String... flags) {
        long before = w.lastTick();
        List<String> args = new ArrayList<>(List.of("checkpoint", Long.toString(w.pid()), "--json"));
        args.addAll(List.of(flags));
        CliResult r = cli.ok(args.toArray(String[]::new));
        String json = r.lastLine();
        Taken t = new Taken(field(json, "id"), field(json, "mode"), field(json, "baseline"),
                Long.parseLong(field(json, "bytes_stored")), Long.parseLong(field(json, "bytes_logical")), before,
                w.lastTick());
        assertTrue(json.contains("\"freeze_ms\":"), json);
        return t;
    }

    private static String field(String json, String name) {
        Matcher m = Pattern.compile("\"" + name + "\":(\"([^\"]*)\"|(-?\\d+)|null)").matcher(json);
        assertTrue(m.find(), () -> "no " + name + " in " + json);
        return m.group(2) != null ? m.group(2) : m.group(3);
    }

    /** Kills the running copy, restores {@code t}, and sees it check its whole memory on a few ticks. */
    private void restoreAndCheck(Workload w, Taken t) {
        w.stop();
        w.waitUntilGone(Duration.ofSeconds(30));
        int mark = w.mark();
        assertEquals(w.pid(), cli.restoreDetached(t.id()), "restored PID");
        List<Workload.Tick> after = w.waitForTicksAfter(mark, 3, TICKS);
        long first = after.getFirst().n();
        assertTrue(first > t.before() && first <= t.after() + 1, () -> "restored " + t + " but it went on from tick " + first
                + "\n" + w.tail());
        w.assertNoFail();
    }

    @Test
    void everyIncrementalCheckpointRestoresExactlyWhatTheProcessHeld() {
        Workload w = start();
        List<Taken> all = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            all.add(checkpoint(w, "--incremental", "--leave-running"));
            w.waitForTicksAfter(w.mark(), 4, TICKS);
        }
        assertEquals("full", all.getFirst().mode(), "the first one has nothing to build on");
        for (int i = 1; i < all.size(); i++) {
            Taken t = all.get(i);
            assertEquals("incremental", t.mode(), t.toString());
            assertEquals(all.get(i - 1).id(), t.baseline(), "builds on the previous one");
            // a few hundred pages change between checkpoints, out of 8192 in the main area alone
            assertTrue(t.stored() < t.logical() / 4, () -> "stored " + t.stored() + " of " + t.logical());
        }
        cli.ok("verify");
        // out of order, each one a complete checkpoint on its own
        for (int i : new int[] {3, 7, 0, 5, 1}) restoreAndCheck(w, all.get(i));
    }

    /**
     * dirty01 with a 16 MiB area rewritten whole on every tick: its 2 MiB chunks are found written whole at
     * the first incremental and left unprotected (reported written without being protected again), then
     * protected again to see whether they still are written whole, and unprotected for longer. Restores from
     * checkpoints taken in each of those states give back exactly what the process held.
     */
    @Test
    void chunksWrittenWholeAreLeftUnprotectedAndRestoreExactly() throws IOException {
        Workload w = start("7", "16");
        List<Taken> all = new ArrayList<>();
        List<String> hot = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            all.add(checkpoint(w, "--incremental", "--leave-running"));
            hot.add(state(w.pid()).getProperty("hot_chunks", ""));
            w.waitForTicksAfter(w.mark(), 4, TICKS);
        }
        for (int i = 1; i < all.size(); i++) assertEquals("incremental", all.get(i).mode(), all.get(i).toString());
        // chunk:left:span:probing; at least the 7 whole chunks of the 16 MiB area
        assertTrue(unprotected(hot.get(1), 2) >= 7, () -> "after the first incremental: " + hot);
        assertTrue(unprotected(hot.get(2), 1) >= 7, () -> "after the second: " + hot);
        assertTrue(hot.get(3).contains(":0:2:1"), () -> "the third protects them again: " + hot);
        assertTrue(unprotected(hot.get(5), 4) >= 7, () -> "written whole again: unprotected for longer: " + hot);
        cli.ok("verify");
        // unprotected (2, 6), protected again (3), measured (4, 5), the first
        for (int i : new int[] {2, 3, 4, 6, 0, 5}) restoreAndCheck(w, all.get(i));
    }

    /** How many chunks the tracker state leaves unprotected for {@code left} more checkpoints. */
    private static long unprotected(String hotChunks, int left) {
        return java.util.Arrays.stream(hotChunks.split(",")).filter(e -> e.matches("[0-9a-f]+:" + left + ":\\d+:0")).count();
    }

    @Test
    void removingTheBaselineBreaksNothing() {
        Workload w = start();
        Taken first = checkpoint(w, "--incremental", "--leave-running");
        w.waitForTicksAfter(w.mark(), 3, TICKS);
        Taken second = checkpoint(w, "--incremental", "--leave-running");
        assertEquals("incremental", second.mode());
        cli.ok("rm", first.id());
        restoreAndCheck(w, second);
    }

    @Test
    void anIncrementalAfterTheTrackerWasLostFallsBackToAFullOneThatRestores() throws IOException {
        Workload w = start();
        checkpoint(w, "--incremental", "--leave-running");
        // the keeper holding the tracker dies: the record of writes is lost
        long keeper = Long.parseLong(state(w.pid()).getProperty("keeper_pid"));
        ProcessHandle.of(keeper).ifPresent(ProcessHandle::destroyForcibly);
        Workload.await(() -> ProcessHandle.of(keeper).map(p -> !p.isAlive()).orElse(true), Duration.ofSeconds(10),
                "the keeper to die");
        w.waitForTicksAfter(w.mark(), 3, TICKS);
        Taken lost = checkpoint(w, "--incremental", "--leave-running");
        assertEquals("full", lost.mode());
        assertNull(lost.baseline());
        // and tracking starts again from it
        w.waitForTicksAfter(w.mark(), 3, TICKS);
        Taken again = checkpoint(w, "--incremental", "--leave-running");
        assertEquals("incremental", again.mode());
        assertEquals(lost.id(), again.baseline());
        restoreAndCheck(w, lost);

        // a restored process is another one to the tracker: the next incremental is full, then tracked again
        w.waitForTicksAfter(w.mark(), 3, TICKS);
        Taken afterRestore = checkpoint(w, "--incremental", "--leave-running");
        assertEquals("full", afterRestore.mode());
        w.waitForTicksAfter(w.mark(), 3, TICKS);
        Taken next = checkpoint(w, "--incremental", "--leave-running");
        assertEquals("incremental", next.mode());
        restoreAndCheck(w, next);
        restoreAndCheck(w, again);
    }

    @Test
    void fullRestartsTrackingAndAKillingIncrementalLeavesNoKeeper() throws IOException {
        Workload w = start();
        checkpoint(w, "--incremental", "--leave-running");
        w.waitForTicksAfter(w.mark(), 3, TICKS);
        Taken full = checkpoint(w, "--full", "--leave-running");
        assertEquals("full", full.mode());
        w.waitForTicksAfter(w.mark(), 3, TICKS);
        Taken last = checkpoint(w, "--incremental"); // and kill
        assertEquals("incremental", last.mode());
        assertEquals(full.id(), last.baseline());
        w.waitUntilDead(Duration.ofSeconds(10));
        long killedAt = w.lastTick();
        assertTrue(Files.notExists(TRACK.resolve(Long.toString(w.pid()))), "no tracker state is left for a killed process");
        int mark = w.mark();
        assertEquals(w.pid(), cli.restoreDetached(last.id()));
        List<Workload.Tick> after = w.waitForTicksAfter(mark, 3, TICKS);
        assertEquals(killedAt + 1, after.getFirst().n(), w.tail());
        w.assertNoFail();
    }

    @Test
    void incrementalAndFullExcludeEachOther() {
        CliResult r = cli.run("checkpoint", "1", "--incremental", "--full");
        assertEquals(2, r.exitCode(), r.toString());
        assertEquals(1, r.stderrLines().size(), r.toString());
    }

    private static Properties state(long pid) throws IOException {
        Properties p = new Properties();
        p.load(new java.io.StringReader(Files.readString(TRACK.resolve(Long.toString(pid)))));
        return p;
    }
}
