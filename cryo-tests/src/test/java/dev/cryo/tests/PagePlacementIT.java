package dev.cryo.tests;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A restore puts a process's pages in two ways: into fresh anonymous areas (heap, stack, anonymous mmaps)
 * with UFFDIO_COPY through a userfaultfd of the process, everywhere else (the COWed pages of a private file
 * mapping, which UFFDIO_COPY cannot fill) with process_vm_writev. workloads/mem01 has both kinds and checks
 * every byte of them on every tick; CRYO_TIMINGS says how many bytes went each way, so these tests see that
 * each way was taken, and that the restore is exact either way, also with the userfaultfd off.
 */
class PagePlacementIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final Pattern PAGES = Pattern.compile("pages-placed=(\\d+)KiB pages-written=(\\d+)KiB");

    @TempDir
    Path tmp;

    private Cli cli;
    private Workload w;

    @BeforeEach
    void start() {
        cli = new Cli(tmp.resolve("store"), tmp);
        w = Workload.start(tmp.resolve("mem01.log"), List.of(Repo.workload("mem01").toString()));
        w.waitForTick(3, TIMEOUT);
    }

    @AfterEach
    void stop() {
        w.close();
    }

    @Test
    void anonymousPagesArePlacedAndFileMappingPagesWrittenBothExactly() {
        long[] first = checkpointKillRestore(Map.of());
        assertTrue(first[0] >= 4 << 10, "the heap and anonymous mmaps (more than 8 MiB) are placed: " + first[0] + " KiB");
        assertTrue(first[1] > 0, "the COWed pages of the private mapping of the executable are written: " + first[1] + " KiB");
        long[] again = checkpointKillRestore(Map.of()); // a restored process's memory: the same again
        assertTrue(again[0] >= 4 << 10 && again[1] > 0, "after a restore of a restore: placed " + again[0]
                + " KiB, written " + again[1] + " KiB");
    }

    @Test
    void withoutTheUserfaultfdEveryPageIsWritten() {
        long[] kib = checkpointKillRestore(Map.of("CRYO_RESTORE_UFFD", "0"));
        assertEquals(0, kib[0], "nothing placed with CRYO_RESTORE_UFFD=0");
        assertTrue(kib[1] >= 4 << 10, "everything written: " + kib[1] + " KiB");
    }

    /** Checkpoint (killing it), restore with {@code env}, see it tick on exactly; the KiB placed and written. */
    private long[] checkpointKillRestore(Map<String, String> env) {
        String id = cli.checkpoint(w.pid());
        w.waitUntilDead(Duration.ofSeconds(10));
        w.waitUntilTreeGone(TIMEOUT);
        long last = w.lastTick();
        int mark = w.mark();
        Map<String, String> timed = new java.util.HashMap<>(env);
        timed.put("CRYO_TIMINGS", "1");
        CliResult r = cli.run(timed, "restore", "--detach", id);
        assertEquals(0, r.exitCode(), () -> "restore: " + r);
        assertEquals(w.pid(), Long.parseLong(r.lastLine()), "restored root PID");
        List<Workload.Tick> after = w.waitForTicksAfter(mark, 3, TIMEOUT);
        assertEquals(last + 1, after.getFirst().n(), () -> "goes on where it stopped\n" + w.tail());
        w.assertNoFail();
        Matcher m = PAGES.matcher(r.stderr());
        assertTrue(m.find(), () -> "CRYO_TIMINGS shows where the pages went: " + r);
        return new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2))};
    }
}
