package dev.cryo.tests;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static dev.cryo.tests.ErrorOutput.assertOperationalError;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Restore checks every page where it lies in the mapped packs, before any process exists: a flipped byte
 * at the first frame, in a pack's trailer or footer, or a pack cut short, is refused (exit 1, one line
 * naming the pack) and starts nothing; undone, the same checkpoint restores.
 */
class PackDamageIT {
    private static final Duration TICKS = Duration.ofSeconds(30);

    @TempDir
    Path tmp;

    private Cli cli;
    private Workload w;

    @BeforeEach
    void newStore() {
        cli = new Cli(tmp.resolve("store"), tmp);
    }

    @AfterEach
    void cleanUp() {
        if (w != null) w.close();
    }

    @Test
    void damageAnywhereInAPackIsRefusedBeforeAnyProcessExists() {
        w = Workload.start(tmp.resolve("w.log"), List.of(Repo.workload("counter01").toString(), "8"));
        w.waitForTick(3, TICKS);
        String id = cli.checkpoint(w.pid());
        w.waitUntilGone(TICKS);
        List<Path> packs = StoreFiles.regularFiles(cli.store()).stream()
                .filter(f -> StoreFiles.kind(cli.store(), f).startsWith("packs/")).toList();
        assertFalse(packs.isEmpty(), "the checkpoint wrote packs");

        List<Executable> checks = new ArrayList<>();
        for (Path pack : packs) {
            checks.add(() -> refused(id, pack, Damage.flipByteAt(pack, 0)));    // the first frame
            checks.add(() -> refused(id, pack, Damage.flipByteAt(pack, -29)));  // the trailer's last byte
            checks.add(() -> refused(id, pack, Damage.flipByteAt(pack, -1)));   // the footer's magic
            checks.add(() -> refused(id, pack, Damage.cut(pack, 1)));
        }
        assertAll(checks);

        int mark = w.mark();
        assertEquals(w.pid(), cli.restoreDetached(id), "restore once every damage is undone");
        w.waitForTicksAfter(mark, 3, TICKS);
        w.assertNoFail();
    }

    private void refused(String id, Path pack, Damage damage) {
        try (damage) {
            String line = assertOperationalError(cli.run("restore", "--detach", id));
            String name = pack.getFileName().toString();
            assertTrue(line.contains(name), () -> "the error names the pack " + name + " (" + damage + "): " + line);
            assertFalse(w.alive(), "pid " + w.pid() + " must not be back after a refused restore (" + damage + ")");
            assertEquals(List.of(), Proc.writingTo(w.log()), "no process may run after a refused restore (" + damage + ")");
        }
    }
}
