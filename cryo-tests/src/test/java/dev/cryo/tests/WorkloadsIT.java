package dev.cryo.tests;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The workloads themselves, without Cryo: each one ticks on this machine, and a workload does
 * report FAIL when its state is damaged behind its back. Without this, a workload that checks
 * nothing would make every round-trip test pass.
 */
class WorkloadsIT {
    private static final Duration TICKS = Duration.ofSeconds(60);

    @TempDir
    Path tmp;

    private final List<Workload> started = new ArrayList<>();

    @AfterEach
    void stop() {
        started.forEach(Workload::close);
    }

    private Workload start(String name, List<String> command) {
        Workload w = Workload.start(tmp.resolve(name + ".log"), command);
        started.add(w);
        return w;
    }

    private Workload startC(String name, String... args) {
        List<String> cmd = new ArrayList<>(List.of(Repo.workload(name).toString()));
        cmd.addAll(List.of(args));
        return start(name, cmd);
    }

    @ParameterizedTest
    @ValueSource(strings = {"counter01", "mem01", "threads01", "regs01", "signals01", "syscalls01", "unsupported_tcp01",
            "events01", "epoll01", "sockets01", "timers01", "shm01", "unsupported_epoll01"})
    void ticks(String name) {
        Workload w = startC(name);
        w.waitForTick(10, TICKS);
        w.assertNoFail();
        w.assertPidUnchanged();
    }

    @ParameterizedTest
    @ValueSource(strings = {"files01", "identity01", "unix01", "locks01", "inotify01"})
    void ticksInADirectory(String name) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve(name + ".dir"));
        Workload w = startC(name, dir.toString());
        w.waitForTick(10, TICKS);
        w.assertNoFail();
    }

    @Test
    void pythonTicks() {
        Workload w = start("py", List.of(Repo.python(), Repo.workloadsDir().resolve("py_threads.py").toString()));
        w.waitForTick(10, TICKS);
        w.assertNoFail();
    }

    @Test
    void jvmTicks() {
        Workload w = start("jvm", List.of(Repo.JDK + "/bin/java", "-Xmx256m", "-XX:-UsePerfData", "-cp", Repo.workloadsDir().resolve("target").toString(), "JvmWorkload"));
        w.waitForTick(10, TICKS);
        w.assertNoFail();
    }

    @ParameterizedTest
    @ValueSource(strings = {"counter01", "mem01"})
    void damagedMemoryIsReported(String name) throws IOException {
        Workload w = startC(name);
        w.waitForTick(3, TICKS);
        long[] area = largestAnonymousRw(w.pid());
        long at = area[0] + ((area[1] - area[0]) / 2 & ~7L);
        try (RandomAccessFile mem = new RandomAccessFile("/proc/" + w.pid() + "/mem", "rw")) {
            mem.seek(at);
            long old = mem.readLong();
            mem.seek(at);
            mem.writeLong(~old);
        }
        expectFail(w);
    }

    @Test
    void bytesAddedToItsPipeAreReported() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("files.dir"));
        Workload w = startC("files01", dir.toString());
        w.waitForTick(3, TICKS);
        // its pipe's write end, opened through /proc: one more byte in flight than it wrote
        List<Integer> pipes = Proc.fdsLinkingTo(w.pid(), "pipe:");
        assertTrue(pipes.size() >= 2, "files01 holds a pipe: " + pipes);
        boolean written = false;
        for (int fd : pipes) {
            try {
                Files.write(Path.of("/proc", Long.toString(w.pid()), "fd", Integer.toString(fd)), new byte[] {42});
                written = true;
                break;
            } catch (IOException e) {
                // the read end: try the next
            }
        }
        assertTrue(written, "could not write into files01's pipe");
        expectFail(w);
    }

    @Test
    void damagedSharedMemoryIsReported() throws IOException {
        Workload w = startC("shm01");
        w.waitForTick(3, TICKS);
        // the MAP_SHARED anonymous area: a word of its pattern flipped through /proc/PID/mem
        long start = -1;
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(w.pid()), "maps"))) {
            if (line.contains("rw-s") && line.contains("/dev/zero")) {
                start = Long.parseUnsignedLong(line.substring(0, line.indexOf('-')), 16);
            }
        }
        assertTrue(start > 0, "shm01 maps shared anonymous memory");
        try (RandomAccessFile mem = new RandomAccessFile("/proc/" + w.pid() + "/mem", "rw")) {
            mem.seek(start + 4096);
            long old = mem.readLong();
            mem.seek(start + 4096);
            mem.writeLong(~old);
        }
        expectFail(w);
    }

    private static void expectFail(Workload w) {
        Workload.await(() -> w.lines().stream().anyMatch(l -> l.startsWith("FAIL ")), TICKS, "pid " + w.pid() + " to report FAIL");
        Workload.await(() -> !w.alive(), TICKS, "pid " + w.pid() + " to exit after FAIL");
    }

    /** [start, end) of the largest private read-write anonymous mapping ("rw-p" with no path, or [heap]). */
    private static long[] largestAnonymousRw(long pid) throws IOException {
        long[] best = null;
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "maps"))) {
            String[] f = line.trim().split("\\s+");
            boolean anon = f.length < 6 || f[5].equals("[heap]");
            if (!f[1].equals("rw-p") || !anon) {
                continue;
            }
            String[] range = f[0].split("-");
            long start = Long.parseUnsignedLong(range[0], 16), end = Long.parseUnsignedLong(range[1], 16);
            if (best == null || end - start > best[1] - best[0]) {
                best = new long[] {start, end};
            }
        }
        if (best == null) {
            fail("no anonymous rw-p mapping in " + pid);
        }
        return best;
    }
}
