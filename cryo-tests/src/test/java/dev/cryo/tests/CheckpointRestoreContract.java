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

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What every workload must survive, through the CLI only: checkpoint (which kills it) and restore;
 * checkpoint with --leave-running, a kill, and restore; and a restore of a restored process.
 * A subclass names the workload; the workload itself checks its own state on every tick and
 * prints FAIL when a restore broke it.
 */
abstract class CheckpointRestoreContract {
    /** Ticks to see before a checkpoint: the workload is set up and checking. */
    private static final int WARM_TICKS = 3;
    /** Ticks to see after a restore: it does not just print once and die. */
    private static final int LIVE_TICKS = 5;

    @TempDir
    Path tmp;

    Cli cli;
    private final List<Workload> started = new ArrayList<>();

    /** The command line of the workload; {@code dir} is an empty directory it may use. */
    abstract List<String> command(Path dir);

    /** How long a tick may take to show up: start-up, and after a restore. */
    Duration tickTimeout() {
        return Duration.ofSeconds(30);
    }

    @BeforeEach
    void newStore() {
        cli = new Cli(tmp.resolve("store"), tmp);
    }

    @AfterEach
    void stopWorkloads() {
        started.forEach(Workload::close);
    }

    Workload start() {
        Path dir = tmp.resolve("work");
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        Workload w = Workload.start(tmp.resolve("workload.log"), command(dir));
        started.add(w);
        w.waitForTick(WARM_TICKS, tickTimeout());
        return w;
    }

    @Test
    void checkpointKillsItAndRestoreContinuesWhereItStopped() {
        Workload w = start();
        checkpointKillRestore(w);
    }

    @Test
    void leaveRunningKeepsItTickingAndItsCheckpointRestoresAfterAKill() {
        Workload w = start();
        long before = w.lastTick();
        String id = cli.checkpoint(w.pid(), "--leave-running");
        w.assertRunningUntraced(); // --leave-running: resumed, and let go
        int afterCheckpoint = w.mark();
        w.waitForTicksAfter(afterCheckpoint, LIVE_TICKS, tickTimeout());

        w.stopTree(Duration.ofSeconds(30));
        long killedAt = w.lastTick();
        int mark = w.mark();
        assertEquals(w.pid(), cli.restoreDetached(id), "restored root PID");
        List<Workload.Tick> after = w.waitForTicksAfter(mark, LIVE_TICKS, tickTimeout());
        long first = after.getFirst().n();
        assertTrue(first > before && first <= killedAt + 1,
                "first tick after the restore is " + first + ": the checkpoint was taken between ticks " + before
                        + " and " + killedAt + "\n" + w.tail());
        assertConsecutive(w, after);
        w.assertNoFail();
        w.assertPidUnchanged();
        w.assertRunningUntraced();
    }

    @Test
    void aRestoredProcessCanBeCheckpointedAndRestoredAgain() {
        Workload w = start();
        checkpointKillRestore(w);
        checkpointKillRestore(w);
    }

    /** Checkpoint (killing it), restore, and see it go on from the very next tick. */
    void checkpointKillRestore(Workload w) {
        String id = cli.checkpoint(w.pid());
        w.waitUntilDead(Duration.ofSeconds(10));
        w.waitUntilTreeGone(Duration.ofSeconds(30));
        long last = w.lastTick();
        int mark = w.mark();
        long pid = cli.restoreDetached(id);
        assertEquals(w.pid(), pid, "restored root PID");
        List<Workload.Tick> after = w.waitForTicksAfter(mark, LIVE_TICKS, tickTimeout());
        assertEquals(last + 1, after.getFirst().n(), () -> "the counter must continue where it stopped (last tick before the checkpoint "
                + last + ")\n" + w.tail());
        assertConsecutive(w, after);
        w.assertNoFail();
        w.assertPidUnchanged();
        w.assertRunningUntraced();
    }

    private static void assertConsecutive(Workload w, List<Workload.Tick> ticks) {
        for (int i = 1; i < ticks.size(); i++) {
            assertEquals(ticks.get(i - 1).n() + 1, ticks.get(i).n(), () -> "ticks must count up one by one\n" + w.tail());
        }
    }
}
