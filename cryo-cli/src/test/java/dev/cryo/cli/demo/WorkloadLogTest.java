package dev.cryo.cli.demo;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WorkloadLogTest {

    @Test
    void readsTicksAndFailures(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("w.log");
        Files.writeString(f, "tick 1 ok pid=10\ntick 2 ok pid=10\nnoise\nFAIL heap page 3 word 1: 0x0\ntick 3 ok pid=11\n");
        WorkloadLog.Snapshot s = new WorkloadLog(f).read();
        assertEquals(3, s.ticks().size());
        assertEquals(3, s.lastTick());
        assertEquals(11, s.ticks().getLast().pid());
        assertEquals(List.of("FAIL heap page 3 word 1: 0x0"), s.failures());
        assertEquals(List.of(3L), s.after(2).stream().map(WorkloadLog.Tick::n).toList());
    }

    @Test
    void aMissingLogHasNoTicksYet(@TempDir Path dir) throws Exception {
        assertEquals(0, new WorkloadLog(dir.resolve("none")).read().lastTick());
    }

    @Test
    void awaitReturnsOnceTheConditionHoldsOrTheTimeoutPasses(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("w.log");
        Files.writeString(f, "tick 1 ok pid=10\n");
        WorkloadLog log = new WorkloadLog(f);
        assertEquals(1, log.await(s -> s.lastTick() >= 1, 5_000).lastTick());
        long t0 = System.nanoTime();
        WorkloadLog.Snapshot s = log.await(x -> x.lastTick() >= 5, 100);
        assertEquals(1, s.lastTick());
        assertTrue(System.nanoTime() - t0 >= 100_000_000L);
    }
}
