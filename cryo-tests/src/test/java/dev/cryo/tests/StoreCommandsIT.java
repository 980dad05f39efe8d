package dev.cryo.tests;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.cryo.tests.ErrorOutput.assertOperationalError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The store's own commands through the CLI: export and import (to a file and through a pipe, into a fresh
 * store and into one that holds most of the data already), gc after rm, concurrent checkpoints, gc while
 * the store is in use, and damaged or truncated import streams.
 */
class StoreCommandsIT {
    private static final Duration TICKS = Duration.ofSeconds(30);

    @TempDir
    Path tmp;

    private Cli cli;
    private final List<Workload> started = new ArrayList<>();

    @BeforeEach
    void newStore() {
        cli = new Cli(tmp.resolve("store"), tmp);
    }

    private final List<Path> mounts = new ArrayList<>();

    @AfterEach
    void stopWorkloads() throws Exception {
        started.forEach(Workload::close);
        for (Path m : mounts) {
            new ProcessBuilder("umount", "-l", m.toString()).start().waitFor(30, TimeUnit.SECONDS);
        }
    }

    /** A 1 MiB tmpfs (the integration tests run as root): a disk that fills at once. */
    private Path tinyDisk(String name) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve(name));
        Process p = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=1m,mode=0700", "tmpfs", dir.toString())
                .redirectErrorStream(true).start();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0, "mount a 1 MiB tmpfs at " + dir);
        mounts.add(dir);
        return dir;
    }

    @Test
    void aFullDiskFailsExportAndImportCleanly() throws Exception {
        Workload w = counter("w", 8);
        String id = cli.checkpoint(w.pid());
        Path full = tinyDisk("full");
        Path target = full.resolve("ck.cryo");
        String export = assertOperationalError(cli.run("export", id, target.toString()));
        assertTrue(export.toLowerCase().contains("space") && export.contains(target.toString()),
                () -> "the error names the file and says there is no space: " + export);
        try (var files = Files.list(full)) {
            assertEquals(List.of(), files.toList(), "a failed export leaves nothing behind");
        }
        Path file = tmp.resolve("ck.cryo");
        cli.ok("export", id, file.toString());
        Cli tiny = new Cli(tinyDisk("small").resolve("store"), tmp);
        String imported = assertOperationalError(tiny.run("import", file.toString()));
        assertTrue(imported.toLowerCase().contains("space"), () -> "the error says there is no space: " + imported);
        assertVerifies(tiny);
        assertEquals("", tiny.ok("ls").stdout().lines().skip(1).reduce("", String::concat), "nothing was imported");
    }

    private Workload counter(String name, int mib) {
        Workload w = Workload.start(tmp.resolve(name + ".log"), List.of(Repo.workload("counter01").toString(), Integer.toString(mib)));
        started.add(w);
        w.waitForTick(3, TICKS);
        return w;
    }

    private static long jsonLong(CliResult r, String key) {
        Matcher m = Pattern.compile("\"" + key + "\":(-?\\d+)").matcher(r.stdout() + r.stderr());
        assertTrue(m.find(), () -> "no " + key + " in " + r);
        return Long.parseLong(m.group(1));
    }

    private void assertVerifies(Cli c) {
        CliResult v = c.run("verify");
        assertEquals(0, v.exitCode(), () -> "the store must verify: " + v);
    }

    /** Restores {@code id} from {@code from} and sees the workload go on from the next tick. */
    private static void restoreAndSeeItContinue(Cli from, Workload w, String id) {
        w.waitUntilGone(TICKS);
        long last = w.lastTick();
        int mark = w.mark();
        assertEquals(w.pid(), from.restoreDetached(id), "restored root PID");
        List<Workload.Tick> after = w.waitForTicksAfter(mark, 3, TICKS);
        assertEquals(last + 1, after.getFirst().n(), () -> "the counter must continue where it stopped\n" + w.tail());
        w.assertNoFail();
        w.assertRunningUntraced();
    }

    /** Restores a --leave-running checkpoint of {@code w} (killed since) and sees it tick again. */
    private static void restoreAndSeeItRun(Cli from, Workload w, String id) {
        w.waitUntilGone(TICKS);
        int mark = w.mark();
        assertEquals(w.pid(), from.restoreDetached(id), "restored root PID");
        w.waitForTicksAfter(mark, 3, TICKS);
        w.assertNoFail();
        w.assertRunningUntraced();
    }

    @Test
    void exportedCheckpointImportsIntoAFreshStoreAndRestoresFromIt() throws IOException {
        Workload w = counter("w", 16);
        String id = cli.checkpoint(w.pid(), "--compress", "zstd");
        Path file = tmp.resolve("ck.cryo");
        cli.ok("export", id.substring(0, 8), file.toString());
        assertTrue(Files.size(file) > 0);
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));

        Cli other = new Cli(tmp.resolve("other"), tmp);
        CliResult imported = other.ok("import", file.toString());
        assertEquals(id, imported.lastLine(), "the checkpoint keeps its id");
        assertVerifies(other);
        restoreAndSeeItContinue(other, w, id);

        // importing it again stores nothing new
        CliResult again = other.ok("import", "--json", file.toString());
        assertEquals(0, jsonLong(again, "bytes_stored"), () -> "nothing new to store: " + again);

        // an existing file is never overwritten; an unknown checkpoint is named
        String exists = assertOperationalError(cli.run("export", id, file.toString()));
        assertTrue(exists.contains("already exists"), exists);
        String unknown = assertOperationalError(cli.run("export", "0000dead", tmp.resolve("x").toString()));
        assertTrue(unknown.contains("0000dead"), unknown);
        assertFalse(Files.exists(tmp.resolve("x")), "a failed export leaves no file");
    }

    @Test
    void exportPipesIntoImport() throws Exception {
        Workload w = counter("w", 8);
        String id = cli.checkpoint(w.pid());
        Path other = tmp.resolve("other");
        String cryo = Repo.cryo().toString();
        Process p = cli.builder(List.of("bash", "-o", "pipefail", "-c",
                        "\"$0\" export \"$1\" - | \"$0\" import --store \"$2\" -", cryo, id, other.toString()))
                .redirectOutput(tmp.resolve("pipe.out").toFile()).redirectError(tmp.resolve("pipe.err").toFile()).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "export | import finishes");
        String out = Files.readString(tmp.resolve("pipe.out"));
        String err = Files.readString(tmp.resolve("pipe.err"));
        assertEquals(0, p.exitValue(), () -> out + err);
        assertTrue(out.strip().endsWith(id), () -> "import prints the id last on stdout: " + out);
        assertTrue(err.contains("exported " + id), () -> "export reports on stderr when the stream is stdout: " + err);
        Cli imported = new Cli(other, tmp);
        assertVerifies(imported);
        restoreAndSeeItContinue(imported, w, id);
    }

    @Test
    void importStoresOnlyWhatTheStoreLacks() throws IOException {
        Workload w = counter("w", 32);
        String first = cli.checkpoint(w.pid(), "--leave-running");
        w.waitForTick(w.lastTick() + 2, TICKS); // it rewrites a page per tick: a little has changed
        String second = cli.checkpoint(w.pid(), "--leave-running");
        Path f1 = tmp.resolve("first.cryo");
        Path f2 = tmp.resolve("second.cryo");
        cli.ok("export", first, f1.toString());
        cli.ok("export", second, f2.toString());

        Cli other = new Cli(tmp.resolve("other"), tmp);
        long full = jsonLong(other.ok("import", "--json", f1.toString()), "bytes_stored");
        CliResult r = other.ok("import", "--json", f2.toString());
        long logical = jsonLong(r, "logical_bytes");
        long added = jsonLong(r, "bytes_stored");
        assertTrue(full > logical / 2, "the first import stores the data: " + full);
        assertTrue(added < logical / 20, () -> "the second import dedups against the first: " + added + " of " + logical + ": " + r);
        assertVerifies(other);
    }

    @Test
    void truncatedOrDamagedStreamsAreRefusedAndLeaveNothing() throws IOException {
        Workload w = counter("w", 8);
        String id = cli.checkpoint(w.pid());
        Path file = tmp.resolve("ck.cryo");
        cli.ok("export", id, file.toString());
        byte[] whole = Files.readAllBytes(file);

        Cli other = new Cli(tmp.resolve("other"), tmp);
        Path cut = tmp.resolve("cut.cryo");
        Files.write(cut, java.util.Arrays.copyOf(whole, whole.length * 2 / 3));
        String truncated = assertOperationalError(other.run("import", cut.toString()));
        assertTrue(truncated.contains("truncated") || truncated.contains("ends early"), truncated);

        Path bad = tmp.resolve("bad.cryo");
        byte[] flipped = whole.clone();
        flipped[whole.length / 2] ^= 0x40;
        Files.write(bad, flipped);
        String damaged = assertOperationalError(other.run("import", bad.toString()));
        assertTrue(damaged.contains("import"), damaged);

        Path junk = tmp.resolve("junk");
        Files.writeString(junk, "not a checkpoint\n");
        assertOperationalError(other.run("import", junk.toString()));

        assertEquals("", other.ok("ls").stdout().lines().skip(1).reduce("", String::concat), "nothing was imported");
        assertVerifies(other);
        // and the store takes the whole stream afterwards
        assertEquals(id, other.ok("import", file.toString()).lastLine());
        assertVerifies(other);
    }

    @Test
    void gcAfterRmFreesSpaceAndTheStoreStaysValid() {
        Workload keep = counter("keep", 8);
        String kept = cli.checkpoint(keep.pid(), "--leave-running");
        Workload big = counter("big", 48);
        String gone = cli.checkpoint(big.pid());
        long before = storeBytes();
        cli.ok("rm", gone);
        CliResult gc = cli.ok("gc", "--json");
        long freed = jsonLong(gc, "bytes_freed");
        assertTrue(freed > 30L << 20, () -> "gc frees the removed checkpoint's data: " + gc);
        assertTrue(storeBytes() < before - (30L << 20), "the store shrank");
        assertVerifies(cli);
        CliResult second = cli.ok("gc", "--json");
        assertEquals(0, jsonLong(second, "bytes_freed"), () -> "nothing left to free: " + second);
        keep.stop();
        restoreAndSeeItRun(cli, keep, kept);
    }

    private long storeBytes() {
        return StoreFiles.regularFiles(cli.store()).stream().mapToLong(StoreFiles::size).sum();
    }

    @Test
    void twoCheckpointsIntoOneStoreAtTheSameTimeBothSucceed() {
        Workload a = counter("a", 32);
        Workload b = counter("b", 32);
        cli.ok("ls"); // the store exists before both race to use it
        Cli.Started ra = cli.startWithInput(null, "checkpoint", Long.toString(a.pid()));
        Cli.Started rb = cli.startWithInput(null, "checkpoint", Long.toString(b.pid()));
        CliResult resA = ra.await(Duration.ofSeconds(90));
        CliResult resB = rb.await(Duration.ofSeconds(90));
        assertEquals(0, resA.exitCode(), resA::toString);
        assertEquals(0, resB.exitCode(), resB::toString);
        assertVerifies(cli);
        restoreAndSeeItContinue(cli, a, resA.lastLine());
        restoreAndSeeItContinue(cli, b, resB.lastLine());
    }

    @Test
    void gcRefusesWhileTheStoreIsInUse() throws Exception {
        Workload w = counter("w", 32);
        String id = cli.checkpoint(w.pid());
        // an export into a pipe nobody reads holds the store (shared, as a checkpoint does) until it is drained
        Process export = cli.builder(List.of(Repo.cryo().toString(), "export", id, "-"))
                .redirectError(tmp.resolve("exp.err").toFile()).start();
        try (InputStream in = export.getInputStream()) {
            assertTrue(in.read() >= 0, "the export has started writing"); // so it holds the store
            CliResult gc = cli.run("gc");
            String line = assertOperationalError(gc);
            assertTrue(line.contains("in use"), () -> "gc says the store is in use: " + gc);
            in.transferTo(java.io.OutputStream.nullOutputStream());
        }
        assertTrue(export.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, export.exitValue(), () -> "export: " + read(tmp.resolve("exp.err")));
        cli.ok("gc");
        assertVerifies(cli);
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            return e.toString();
        }
    }

    @Test
    void zstdAndUncompressedCheckpointsRestore() {
        Workload w = counter("w", 8);
        String id = cli.checkpoint(w.pid(), "--compress", "none");
        restoreAndSeeItContinue(cli, w, id);
        String again = cli.checkpoint(w.pid(), "--compress", "zstd");
        restoreAndSeeItContinue(cli, w, again);
        CliResult bad = cli.run("checkpoint", Long.toString(w.pid()), "--compress", "gzip");
        assertEquals(2, bad.exitCode(), bad::toString);
        if (!w.alive()) {
            fail("a usage error must not touch the process");
        }
    }
}
