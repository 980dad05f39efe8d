package dev.cryo.tests;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static dev.cryo.tests.ErrorOutput.assertOperationalError;
import static dev.cryo.tests.ErrorOutput.assertUsageError;
import static dev.cryo.tests.ErrorOutput.mentionsNumber;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** Bad input, damaged stores and a full disk: cryo refuses cleanly, in one line, and harms nothing. */
class CliErrorsIT {
    private static final Duration TICKS = Duration.ofSeconds(30);

    @TempDir
    Path tmp;

    private Cli cli;
    private final List<Workload> started = new ArrayList<>();
    private final List<Path> mounts = new ArrayList<>();

    @BeforeEach
    void newStore() {
        cli = new Cli(tmp.resolve("store"), tmp);
    }

    @AfterEach
    void cleanUp() throws Exception {
        started.forEach(Workload::close);
        for (Path m : mounts) {
            run("umount", "-l", m.toString());
        }
    }

    private Workload counter(String name, int mib) {
        Workload w = Workload.start(tmp.resolve(name + ".log"), List.of(Repo.workload("counter01").toString(), Integer.toString(mib)));
        started.add(w);
        w.waitForTick(3, TICKS);
        return w;
    }

    @Test
    void checkpointOfAPidThatDoesNotExist() {
        long pid = Proc.unusedPid();
        String line = assertOperationalError(cli.run("checkpoint", Long.toString(pid)));
        assertTrue(mentionsNumber(line, pid), "the error names the pid: " + line);
    }

    @Test
    void restoreOfAnUnknownCheckpoint() {
        Workload w = counter("w", 4);
        cli.checkpoint(w.pid(), "--leave-running"); // the store exists and holds something else
        assertOperationalError(cli.run("restore", "--detach", "0000000000000000deadbeef"), "0000000000000000deadbeef");
    }

    @Test
    void restoreOfAnAmbiguousPrefix() {
        Workload w = counter("w", 4);
        List<String> ids = new ArrayList<>();
        String prefix = null;
        for (int i = 0; i < 40 && prefix == null; i++) {
            String id = cli.checkpoint(w.pid(), "--leave-running");
            for (String other : ids) {
                String common = commonPrefix(id, other);
                if (!common.isEmpty() && !common.equals(id) && !common.equals(other)) {
                    prefix = common;
                }
            }
            ids.add(id);
        }
        if (prefix == null) {
            fail("40 checkpoints and no two ids share a first character: " + ids);
        }
        // with the original gone, a restore would succeed if the prefix were (wrongly) resolved
        w.stop();
        w.waitUntilGone(TICKS);
        String line = assertOperationalError(cli.run("restore", "--detach", prefix));
        assertTrue(line.toLowerCase().matches(".*(ambiguous|matches|several|multiple).*"), "the error says the prefix is ambiguous: " + line);
        assertNoProcessFrom(w);
    }

    @Test
    void usageErrorsExitWith2() {
        assertAll(
                () -> assertUsageError(cli.run("checkpoint")),
                () -> assertUsageError(cli.run("no-such-command")),
                () -> assertUsageError(cli.run("restore", "--pidns", "sideways", "abc")),
                () -> assertUsageError(cli.run("checkpoint", "1", "--no-such-option")));
    }

    @Test
    void storeIsPrivate() throws IOException {
        Workload w = counter("w", 4);
        cli.checkpoint(w.pid(), "--leave-running");
        Path store = cli.store();
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(store)), "store directory mode");
        for (Path d : StoreFiles.directories(store)) {
            Set<PosixFilePermission> p = Files.getPosixFilePermissions(d);
            assertTrue(p.stream().noneMatch(x -> x.name().startsWith("GROUP") || x.name().startsWith("OTHERS")),
                    () -> d + " is " + PosixFilePermissions.toString(p) + ": only its owner may enter it");
        }
        List<Path> files = StoreFiles.regularFiles(store);
        assertFalse(files.isEmpty(), "a checkpoint writes files");
        for (Path f : files) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)), () -> "mode of " + f);
        }
    }

    @Test
    void aFlippedByteInAnyStoreFileIsFoundAndRefused() {
        Workload w = counter("w", 8);
        String id = cli.checkpoint(w.pid());
        w.waitUntilGone(TICKS);
        Path store = cli.store();
        assertEquals(0, cli.run("verify").exitCode(), "an intact store verifies");

        List<Executable> checks = new ArrayList<>();
        checks.add(() -> refusesAndRecovers(w, id, Damage.flipByte(StoreFiles.largest(store))));
        for (Map.Entry<String, Path> kind : StoreFiles.largestOfEachKind(store).entrySet()) {
            if (kind.getKey().startsWith("locks/") || kind.getKey().startsWith("tmp/")) {
                continue; // not data: a lock or a leftover temporary file (design.md store layout)
            }
            checks.add(() -> refusesAndRecovers(w, id, Damage.flipByte(kind.getValue())));
        }
        checks.add(() -> refusesAndRecovers(w, id, Damage.truncate(StoreFiles.largest(store))));
        assertAll(checks);

        // every damage undone: the checkpoint is whole again
        int mark = w.mark();
        assertEquals(w.pid(), cli.restoreDetached(id), "restore after the damage was undone");
        w.waitForTicksAfter(mark, 3, TICKS);
        w.assertNoFail();
    }

    /** With {@code damage} in place: verify exit 1, restore refuses and starts nothing. Then undoes it. */
    private void refusesAndRecovers(Workload w, String id, Damage damage) {
        try (damage) {
            CliResult verify = cli.run("verify");
            assertEquals(1, verify.exitCode(), () -> "verify must find " + damage + ": " + verify);
            String name = damage.file().getFileName().toString().replaceFirst("\\.[^.]*$", "");
            assertTrue((verify.stdout() + verify.stderr()).contains(name) || (verify.stdout() + verify.stderr()).contains(id),
                    () -> "verify should name the damaged file or checkpoint (" + damage + "): " + verify);
            CliResult restore = cli.run("restore", "--detach", id);
            assertOperationalError(restore);
            assertNoProcessFrom(w);
        }
        CliResult again = cli.run("verify");
        assertEquals(0, again.exitCode(), () -> "verify after undoing " + damage + ": " + again);
    }

    @Test
    void aFullDiskFailsTheCheckpointAndLeavesTheProcessAndStoreAlone() {
        Path small = tmp.resolve("small");
        try {
            Files.createDirectories(small);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        assertEquals(0, run("mount", "-t", "tmpfs", "-o", "size=1m,mode=0700", "tmpfs", small.toString()),
                "mount a 1 MiB tmpfs (integration tests run as root)");
        mounts.add(small);
        Cli tiny = new Cli(small.resolve("store"), tmp);
        Workload w = counter("big", 64);

        String line = assertOperationalError(tiny.run("checkpoint", Long.toString(w.pid())));
        assertTrue(line.toLowerCase().contains("space"), "the error says there is no space: " + line);
        w.assertRunningUntraced();
        long last = w.lastTick();
        w.waitForTick(last + 3, TICKS);
        CliResult verify = tiny.run("verify");
        assertEquals(0, verify.exitCode(), () -> "the store must stay valid after a failed checkpoint: " + verify);
    }

    private static void assertNoProcessFrom(Workload w) {
        assertFalse(w.alive(), "pid " + w.pid() + " must not be back after a refused restore");
        assertEquals(List.of(), Proc.writingTo(w.log()), "no process may be writing to the workload's log after a refused restore");
    }

    private static String commonPrefix(String a, String b) {
        int n = 0;
        while (n < a.length() && n < b.length() && a.charAt(n) == b.charAt(n)) {
            n++;
        }
        return a.substring(0, n);
    }

    private static int run(String... cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return -1;
            }
            return p.exitValue();
        } catch (IOException e) {
            throw new AssertionError("cannot run " + List.of(cmd) + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
