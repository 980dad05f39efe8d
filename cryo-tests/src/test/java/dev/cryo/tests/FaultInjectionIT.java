package dev.cryo.tests;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static dev.cryo.tests.ErrorOutput.assertOperationalError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A checkpoint that fails at any step harms nothing: with {@code CRYO_FAULT=<step>} the engine fails at
 * that step as if the kernel had refused it; the process must go on exactly as before (running, not
 * traced, its threads' registers and signal masks intact, so its own checks keep passing), the store
 * must hold no trace of the attempt, and a checkpoint right after must work.
 */
class FaultInjectionIT {
    private static final Duration TICKS = Duration.ofSeconds(30);

    @TempDir
    Path tmp;

    private Workload workload;

    @AfterEach
    void stop() {
        if (workload != null) workload.close();
    }

    @ParameterizedTest(name = "a fault at step {0} leaves the process as it was")
    @ValueSource(strings = {"seize", "inject", "files", "memory", "commit"})
    void aFailedCheckpointHarmsNothing(String step) {
        // signals01: several threads, blocked and pending signals, handlers, an itimer, an alternate stack
        workload = Workload.start(tmp.resolve("signals01.log"), List.of(Repo.workload("signals01").toString()));
        workload.waitForTick(3, TICKS);
        Cli cli = new Cli(tmp.resolve("store"), tmp);

        CliResult failed = cli.run(Map.of("CRYO_FAULT", step), "checkpoint", Long.toString(workload.pid()));
        String line = assertOperationalError(failed, "injected fault");
        assertTrue(line.contains(step), "the error names the step: " + line);

        workload.assertRunningUntraced();
        workload.waitForTick(workload.lastTick() + 5, TICKS);
        workload.assertNoFail();
        workload.assertPidUnchanged();
        assertEquals("", cli.run("ls").stdout().strip(), "a failed checkpoint leaves nothing in the store");

        CliResult ok = cli.run("checkpoint", "--leave-running", Long.toString(workload.pid()));
        assertEquals(0, ok.exitCode(), "a checkpoint after the failed one works: " + ok);
        workload.waitForTick(workload.lastTick() + 3, TICKS);
        workload.assertNoFail();
    }
}
