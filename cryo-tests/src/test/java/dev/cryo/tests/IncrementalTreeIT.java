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
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Incremental checkpoints of a whole tree (workloads/dirtytree01.c): a root and a child writing their own
 * copies of inherited memory, the child writing a MAP_SHARED anonymous area and the root a shared memfd
 * that the other maps, and a short-lived third process (new since one checkpoint, gone by a later one).
 * Every process checks all its memory against a replay of its history on every tick, and the root checks
 * the shared areas: every restore from every checkpoint must give back exactly what the tree held.
 */
class IncrementalTreeIT {
    private static final Duration TICKS = Duration.ofSeconds(30);
    private static final Path TRACK = Path.of("/run/cryo/track");
    private static final Pattern TICK = Pattern.compile("tick (\\d+) ok pid=(\\d+)");

    @TempDir
    Path tmp;
    private Cli cli;
    private final List<Workload> started = new ArrayList<>();
    private final List<String> groups = new ArrayList<>();
    private Map<String, String> env;

    /** What one checkpoint reported, with the ticks seen just before and after it. */
    private record Taken(String id, String mode, String baseline, String note, long before, long after) {}

    @BeforeEach
    void newStore() {
        cli = new Cli(tmp.resolve("store"), tmp);
        env = Map.of("CRYO_RUN_DIR", tmp.resolve("run").toString());
    }

    @AfterEach
    void stop() {
        started.forEach(w -> w.stopTree(Duration.ofSeconds(30)));
        for (String g : groups) cli.run(env, "kill", g);
    }

    private Workload start() {
        Workload w = Workload.start(tmp.resolve("workload.log"), List.of(Repo.workload("dirtytree01").toString(), "16"));
        started.add(w);
        w.waitForTick(3, TICKS);
        return w;
    }

    private Taken checkpoint(Workload w, String... flags) {
        long before = w.lastTick();
        List<String> args = new ArrayList<>(List.of("checkpoint", Long.toString(w.pid()), "--json"));
        args.addAll(List.of(flags));
        String json = cli.ok(args.toArray(String[]::new)).lastLine();
        return new Taken(field(json, "id"), field(json, "mode"), field(json, "baseline"), field(json, "note"), before,
                w.lastTick());
    }

    private static String field(String json, String name) {
        Matcher m = Pattern.compile("\"" + name + "\":(\"((?:[^\"\\\\]|\\\\.)*)\"|(-?\\d+)|null)").matcher(json);
        assertTrue(m.find(), () -> "no " + name + " in " + json);
        return m.group(2) != null ? m.group(2) : m.group(3);
    }

    /** How many processes checkpoint {@code id} dumped from a tracker (its "tracked" label). */
    private int tracked(String id, Map<String, String> env) {
        String json = ok(env, "ls", "--json").stdout();
        int at = json.indexOf("\"id\":\"" + id + "\"");
        assertTrue(at >= 0, () -> id + " not listed: " + json);
        int end = json.indexOf("\"id\":", at + 5);
        String entry = json.substring(at, end < 0 ? json.length() : end);
        return Integer.parseInt(field(entry, "tracked"));
    }

    /** Kills the running tree, restores {@code t}, and sees it check all its memory on a few ticks. */
    private void restoreAndCheck(Workload w, Taken t) {
        w.stopTree(Duration.ofSeconds(30));
        int mark = w.mark();
        assertEquals(w.pid(), cli.restoreDetached(t.id()), "restored PID");
        List<Workload.Tick> after = w.waitForTicksAfter(mark, 12, TICKS); // past the third process's birth or exit
        long first = after.getFirst().n();
        assertTrue(first > t.before() && first <= t.after() + 1, () -> "restored " + t + " but it went on from tick " + first
                + "\n" + w.tail());
        w.assertNoFail();
    }

    /** The root's first child (C: forked first, lives as long as the root). */
    private static long firstChild(long root) throws IOException {
        String children = Files.readString(Path.of("/proc/" + root + "/task/" + root + "/children")).strip();
        return Long.parseLong(children.split(" ")[0]);
    }

    @Test
    void everyProcessOfATreeIsTrackedAndEveryIncrementalRestoresItExactly() {
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
            assertEquals(null, t.note(), "a third process new since the previous checkpoint, or gone, is no news");
            int n = tracked(t.id(), Map.of());
            assertTrue(n >= 2, () -> "the root and its long-lived child are both tracked: " + n + " in " + t);
        }
        cli.ok("verify");
        for (int i : new int[] {3, 7, 0, 5, 1}) restoreAndCheck(w, all.get(i));
    }

    @Test
    void aChildWhoseTrackerWasLostIsDumpedWholeAndTheTreeRestores() throws IOException {
        Workload w = start();
        checkpoint(w, "--incremental", "--leave-running");
        long child = firstChild(w.pid());
        Properties state = new Properties();
        state.load(new java.io.StringReader(Files.readString(TRACK.resolve(Long.toString(child)))));
        long keeper = Long.parseLong(state.getProperty("keeper_pid"));
        ProcessHandle.of(keeper).ifPresent(ProcessHandle::destroyForcibly);
        Workload.await(() -> ProcessHandle.of(keeper).map(p -> !p.isAlive()).orElse(true), Duration.ofSeconds(10),
                "the child's keeper to die");
        w.waitForTicksAfter(w.mark(), 3, TICKS);
        Taken lost = checkpoint(w, "--incremental", "--leave-running");
        assertEquals("incremental", lost.mode(), "the root's tracker is still there");
        assertNotNull(lost.note(), lost.toString());
        assertTrue(lost.note().contains("pid " + child + ": the tracker's keeper process is gone"), lost.note());
        w.waitForTicksAfter(w.mark(), 3, TICKS);
        Taken again = checkpoint(w, "--incremental", "--leave-running");
        assertEquals(null, again.note(), "the child is tracked again from the one it was dumped whole in");
        restoreAndCheck(w, lost);
        restoreAndCheck(w, again);
    }

    @Test
    void runEveryTakesIncrementalsOfEveryProcessOfTheGroupAndTheNewestRestores() {
        String name = "inctree";
        String printed = ok(env, "run", "--detach", "--name", name, "--every", "500ms", "--keep", "3", "--",
                Repo.workload("dirtytree01").toString(), "16").lastLine();
        assertEquals(name, printed);
        groups.add(name);
        Path supervisorLog = tmp.resolve("run/groups/" + name + "/supervisor.log");
        Path log = tmp.resolve("run/groups/" + name + "/log");
        Workload.await(() -> count(supervisorLog, "(incremental, frozen") >= 3, TICKS, "incremental periodic checkpoints");
        String json = ok(env, "ls", "--json", name).stdout();
        String newest = json.substring(json.lastIndexOf("\"id\":\"") + 6).split("\"")[0];
        int n = tracked(newest, env);
        assertTrue(n >= 2, () -> "the group's root and its long-lived child are both tracked: " + n);
        ok(env, "kill", name);
        long killedAt = lastTick(log);
        ok(env, "restore", "--detach", name);
        Workload.await(() -> lastTick(log) >= killedAt + 12, TICKS, "ticks of the restored group");
        assertFalse(read(log).contains("FAIL"), () -> "the restored group reported a failure:\n" + read(log));
    }

    private CliResult ok(Map<String, String> env, String... args) {
        CliResult r = cli.run(env, args);
        assertEquals(0, r.exitCode(), () -> "expected success: " + r);
        return r;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, java.nio.charset.StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            return "";
        }
    }

    private static long count(Path file, String text) {
        return read(file).lines().filter(l -> l.contains(text)).count();
    }

    private static long lastTick(Path file) {
        long last = 0;
        Matcher m = TICK.matcher(read(file));
        while (m.find()) last = Math.max(last, Long.parseLong(m.group(1)));
        return last;
    }
}
