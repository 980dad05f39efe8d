package dev.cryo.tests;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A workload process started detached through {@code cryo-helper spawn}: never a child of this
 * JVM, whose process reaper would otherwise steal the ptrace stops Cryo waits for. Its stdout and
 * stderr go to a log in which it prints {@code tick N ok pid=P} or {@code FAIL why}; a restored
 * copy of it writes on in the same log.
 */
final class Workload implements AutoCloseable {
    private static final Pattern TICK = Pattern.compile("tick (\\d+) ok pid=(\\d+)");
    private static final Duration POLL = Duration.ofMillis(20);

    /** One tick line: its index among the log's lines, the counter, the pid it printed. */
    record Tick(int line, long n, long pid) {}

    private final Path log;
    private final List<String> command;
    private final long pid;

    private Workload(Path log, List<String> command, long pid) {
        this.log = log;
        this.command = command;
        this.pid = pid;
    }

    /** Starts {@code command} detached, stdout and stderr appended to {@code log}. */
    static Workload start(Path log, List<String> command) {
        try {
            // created here so that its real path is known: /proc/PID/fd/1 shows the real path
            Files.createFile(log);
            log = log.toRealPath();
        } catch (IOException e) {
            throw new AssertionError("cannot create " + log + ": " + e, e);
        }
        List<String> cmd = new ArrayList<>(List.of(Repo.helper().toString(), "spawn", log.toString(), "--"));
        cmd.addAll(command);
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes()).strip();
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                fail("cryo-helper spawn failed: " + cmd + ": " + out);
            }
            return new Workload(log, List.copyOf(command), Long.parseLong(out));
        } catch (IOException | NumberFormatException e) {
            throw new AssertionError("cannot spawn " + cmd + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    long pid() {
        return pid;
    }

    Path log() {
        return log;
    }

    List<String> lines() {
        try {
            return Files.readAllLines(log);
        } catch (IOException e) {
            throw new AssertionError("cannot read " + log + ": " + e, e);
        }
    }

    /** How many lines the log has now: ticks after this mark were printed after this call. */
    int mark() {
        return lines().size();
    }

    List<Tick> ticks() {
        List<String> lines = lines();
        List<Tick> ticks = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            Matcher m = TICK.matcher(lines.get(i));
            if (m.find()) {
                ticks.add(new Tick(i, Long.parseLong(m.group(1)), Long.parseLong(m.group(2))));
            }
        }
        return ticks;
    }

    List<Tick> ticksAfter(int mark) {
        return ticks().stream().filter(t -> t.line() >= mark).toList();
    }

    /** The counter of the last tick line in the log (0 if none yet). */
    long lastTick() {
        List<Tick> t = ticks();
        return t.isEmpty() ? 0 : t.getLast().n();
    }

    /** Waits until a tick line with counter >= n appears; fails at once on a FAIL line or a death. */
    Tick waitForTick(long n, Duration timeout) {
        return awaitTick(0, t -> t.n() >= n, "a tick >= " + n, timeout);
    }

    /** Waits until {@code count} tick lines were printed after {@code mark}; returns them. */
    List<Tick> waitForTicksAfter(int mark, int count, Duration timeout) {
        awaitTick(mark, t -> ticksAfter(mark).size() >= count, count + " ticks after line " + mark, timeout);
        return ticksAfter(mark);
    }

    private Tick awaitTick(int mark, Predicate<Tick> done, String what, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            assertNoFail();
            for (Tick t : ticksAfter(mark)) {
                if (done.test(t)) {
                    return t;
                }
            }
            if (!Proc.alive(pid)) {
                assertNoFail(); // it may have printed FAIL and exited since we looked
                fail("pid " + pid + " died while waiting for " + what + "\n" + tail());
            }
            if (System.nanoTime() > deadline) {
                fail("no " + what + " within " + timeout + " from pid " + pid + "\n" + tail());
            }
            sleep(POLL);
        }
    }

    void assertNoFail() {
        List<String> lines = lines();
        for (String l : lines) {
            if (l.contains("FAIL")) {
                fail("workload " + command + " reported: " + l + "\n" + tail());
            }
        }
    }

    /** Every tick line printed so far names our PID: the restored process kept it. */
    void assertPidUnchanged() {
        for (Tick t : ticks()) {
            assertEquals(pid, t.pid(), () -> "tick " + t.n() + " printed pid=" + t.pid() + ", expected " + pid + "\n" + tail());
        }
    }

    /** Runs on its own: no task of it is ptrace-attached (TracerPid 0) or left stopped (state T or t). */
    void assertRunningUntraced() {
        assertTrue(alive(), () -> "pid " + pid + " must be running\n" + tail());
        List<Proc.TaskStatus> tasks = Proc.tasks(pid);
        assertFalse(tasks.isEmpty(), () -> "pid " + pid + " has no tasks");
        for (Proc.TaskStatus t : tasks) {
            assertEquals(0, t.tracerPid(), () -> "task " + t.tid() + " of pid " + pid + " is still traced: " + t);
            assertFalse(t.state().startsWith("T") || t.state().startsWith("t"), () -> "task " + t.tid() + " of pid " + pid + " is left stopped: " + t);
        }
    }

    boolean alive() {
        return Proc.alive(pid);
    }

    /** Dead means exited or killed: a zombie waiting to be reaped counts. */
    void waitUntilDead(Duration timeout) {
        await(() -> !Proc.alive(pid), timeout, "pid " + pid + " to die");
    }

    /** Gone means reaped: the PID is free for a restore to take again. */
    void waitUntilGone(Duration timeout) {
        await(() -> Proc.gone(pid), timeout, "pid " + pid + " to be reaped");
    }

    /** SIGKILL, by PID, and only if the process at that PID is still ours (writes to our log). */
    void stop() {
        if (isOurs()) {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    /**
     * SIGKILL to the workload and to every other process writing to its log (its children: a process
     * tree shares the log), then waits until they are all reaped, so that a restore finds their PIDs free.
     */
    void stopTree(Duration timeout) {
        // stopped first, all of them (again until no new one appears), so that none sees another die and
        // reports it as a FAIL: the tree dies as one, as a machine crash would take it
        List<Long> tree = new ArrayList<>();
        for (int round = 0; round < 50; round++) {
            List<Long> now = new ArrayList<>(Proc.writingTo(log));
            now.removeAll(tree);
            if (now.isEmpty() && round > 0) break;
            signal("-STOP", now);
            tree.addAll(now);
        }
        stop();
        for (long p : tree) ProcessHandle.of(p).ifPresent(ProcessHandle::destroyForcibly);
        for (long p : tree) await(() -> Proc.gone(p), timeout, "pid " + p + " of the tree to be reaped");
        waitUntilGone(timeout);
    }

    private static void signal(String signal, List<Long> pids) {
        if (pids.isEmpty()) return;
        List<String> cmd = new ArrayList<>(List.of("/bin/kill", signal));
        pids.forEach(p -> cmd.add(Long.toString(p)));
        try {
            new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start()
                    .waitFor(10, TimeUnit.SECONDS);
        } catch (IOException e) {
            throw new AssertionError("cannot run " + cmd + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Waits until the workload and every other process writing to its log are reaped. */
    void waitUntilTreeGone(Duration timeout) {
        waitUntilGone(timeout);
        await(() -> Proc.writingTo(log).isEmpty(), timeout, "every process of the tree to be gone");
    }

    boolean isOurs() {
        return Proc.alive(pid) && Proc.fdTarget(pid, 1).filter(log::equals).isPresent();
    }

    String tail() {
        List<String> lines = lines();
        return "--- last lines of " + log + ":\n" + String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
    }

    /** Kills the workload (and any other process still writing to its log: a stray restored copy). */
    @Override
    public void close() {
        stop();
        for (long other : Proc.writingTo(log)) {
            ProcessHandle.of(other).ifPresent(ProcessHandle::destroyForcibly);
        }
        await(() -> !Proc.alive(pid), Duration.ofSeconds(10), "pid " + pid + " to die after SIGKILL");
    }

    static void await(BooleanSupplier condition, Duration timeout, String what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out after " + timeout + " waiting for " + what);
            }
            sleep(POLL);
        }
    }

    static void sleep(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
