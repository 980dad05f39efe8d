package dev.cryo.cli.demo;

import dev.cryo.cli.CliException;
import dev.cryo.cli.output.ByteSize;
import dev.cryo.cli.output.CheckpointListing;
import dev.cryo.cli.output.Plural;
import dev.cryo.engine.CheckpointOptions;
import dev.cryo.engine.CheckpointResult;
import dev.cryo.engine.Checkpointer;
import dev.cryo.engine.Progress;
import dev.cryo.engine.RestoreOptions;
import dev.cryo.engine.Restoration;
import dev.cryo.engine.Restorer;
import dev.cryo.store.Store;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * {@code cryo demo}: starts the bundled workload, checkpoints it (which kills it), restores it and shows
 * it counting on from where it stopped, with the same PID. Everything it starts it kills, everything it
 * writes it removes (except checkpoints in a store the user chose).
 */
public final class Demo {
    private static final String WORKLOAD = "counter01";
    private static final String HEAP_MIB = "32";
    private static final int TICKS_BEFORE = 3;
    private static final int TICKS_AFTER = 3;
    private static final long WAIT_MILLIS = 15_000;

    private final Path home;
    private final Path storeDir; // null: a temporary store
    private final Progress progress;
    private final PrintWriter out;

    private final List<Integer> started = new ArrayList<>();
    private Path workDir;

    public Demo(Path home, Path storeDir, Progress progress, PrintWriter out) {
        this.home = home;
        this.storeDir = storeDir;
        this.progress = progress;
        this.out = out;
    }

    public void run() throws Exception {
        Path helper = need(home.resolve("cryo-helper/target/cryo-helper"));
        Path workload = need(home.resolve("workloads/target/" + WORKLOAD));
        workDir = Files.createTempDirectory("cryo-demo-"); // 0700
        Thread cleanup = new Thread(this::cleanUpQuietly, "cryo-demo-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanup); // Ctrl-C must not leave the workload running
        try {
            play(helper, workload);
        } finally {
            cleanUpQuietly();
            Runtime.getRuntime().removeShutdownHook(cleanup);
        }
    }

    private void play(Path helper, Path workload) throws Exception {
        Path store = storeDir != null ? storeDir : workDir.resolve("store");
        WorkloadLog log = new WorkloadLog(workDir.resolve(WORKLOAD + ".log"));
        say("Cryo demo: checkpoint a running program, kill it, and bring it back where it stopped.");
        say("");

        step(1, "Starting " + WORKLOAD + ", a program that counts, keeps " + HEAP_MIB
                + " MiB of memory filled with a pattern,");
        detail("and checks all of it every tick (every 50 ms). It prints 'tick N ok pid=P'.");
        int pid = spawn(helper, workload, log.file());
        started.add(pid);
        detail("running as PID " + pid + ", writing to " + log.file());
        WorkloadLog.Snapshot before = log.await(s -> s.ticks().size() >= TICKS_BEFORE, WAIT_MILLIS);
        noFailure(before, "before the checkpoint");
        if (before.ticks().size() < TICKS_BEFORE) {
            throw new CliException("demo: " + WORKLOAD + " (PID " + pid + ") printed no ticks within "
                    + WAIT_MILLIS / 1000 + " s; see " + log.file());
        }
        before.ticks().forEach(t -> detail("  " + t.line()));
        say("");

        try (Store s = Store.open(store)) {
            step(2, "Checkpointing PID " + pid + " into " + (storeDir != null ? "the store " + store : "a temporary store")
                    + " (cryo checkpoint " + pid + ")");
            CheckpointResult c = new Checkpointer(s, progress).checkpoint(pid, CheckpointOptions.defaults());
            long lastTick = log.read().lastTick();
            detail("checkpoint " + c.id());
            detail(Plural.of(c.pids().size(), "process", "processes") + ", " + Plural.of(c.threads(), "thread", "threads")
                    + "; " + ByteSize.format(c.bytesLogical()) + " of memory, " + ByteSize.format(c.bytesStored())
                    + " written to the store");
            detail("the program was frozen for " + c.freezeMillis() + " ms; the checkpoint took " + c.totalMillis() + " ms");
            boolean gone = ProcessState.awaitGone(pid, 5_000);
            detail(gone ? "then cryo killed it: its last line was tick " + lastTick
                    : "PID " + pid + " still runs after the checkpoint (unexpected)");
            say("");

            step(3, "Restoring it (cryo restore " + CheckpointListing.shortId(c.id()) + " --detach)");
            Restoration r = new Restorer(s, progress).restore(c.id(),
                    new RestoreOptions(true, RestoreOptions.PidNamespaceMode.AUTO, RestoreOptions.StdioMode.NULL, null));
            started.add(r.pid());
            detail("restored " + Plural.of(r.pids().size(), "process", "processes") + " in " + r.restoreMillis()
                    + " ms; it runs again as PID " + r.pid());
            say("");

            step(4, "Watching it go on:");
            WorkloadLog.Snapshot after = log.await(snap -> snap.after(lastTick).size() >= TICKS_AFTER, WAIT_MILLIS);
            noFailure(after, "after the restore");
            List<WorkloadLog.Tick> next = after.after(lastTick);
            if (next.size() < TICKS_AFTER) {
                throw new CliException("demo: the restored " + WORKLOAD + " (PID " + r.pid() + ") printed "
                        + next.size() + " ticks within " + WAIT_MILLIS / 1000 + " s; see " + log.file());
            }
            next.stream().limit(TICKS_AFTER).forEach(t -> detail("  " + t.line()));
            WorkloadLog.Tick first = next.getFirst();
            boolean samePid = r.pid() == pid && first.pid() == pid;
            detail("it went on from tick " + lastTick + " to " + first.n()
                    + (first.n() == lastTick + 1 ? " (no tick lost or repeated)" : "")
                    + (samePid ? ", with the same PID " + pid : ", now as PID " + r.pid() + " (it sees itself as " + first.pid() + ")")
                    + ",");
            detail("and its " + HEAP_MIB + " MiB of memory checked out intact on every tick.");
            say("");

            step(5, "Cleaning up");
            kill(r.pid());
            detail("killed PID " + r.pid());
            if (storeDir != null) {
                detail("kept checkpoint " + CheckpointListing.shortId(c.id()) + " (see: cryo ls --store " + store + ")");
            }
        }
        detail("removed " + workDir);
        say("");
        say("Done. Try it on your own programs: cryo checkpoint PID, then cryo restore ID.");
    }

    private int spawn(Path helper, Path workload, Path log) throws IOException, InterruptedException, CliException {
        // Through the helper (double fork, new session): the workload must never be a child of this JVM,
        // whose process reaper would otherwise collect the ptrace stops the engine waits for.
        Process p = new ProcessBuilder(helper.toString(), "spawn", log.toString(), "--", workload.toString(), HEAP_MIB)
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .start();
        byte[] stdout = p.getInputStream().readAllBytes();
        byte[] stderr = p.getErrorStream().readAllBytes();
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new CliException("demo: " + helper + " spawn did not return within 10 s");
        }
        String text = new String(stdout, StandardCharsets.UTF_8).strip();
        if (p.exitValue() != 0 || !text.matches("\\d+")) {
            String why = new String(stderr, StandardCharsets.UTF_8).strip();
            throw new CliException("demo: cannot start " + workload + ": "
                    + (why.isEmpty() ? "cryo-helper exited with " + p.exitValue() : why));
        }
        return Integer.parseInt(text);
    }

    private static Path need(Path file) throws CliException {
        if (!Files.isExecutable(file)) {
            throw new CliException("demo: " + file + " is missing; build cryo first (the ./cryo launcher does, or: mvn -DskipTests install)");
        }
        return file;
    }

    private static void noFailure(WorkloadLog.Snapshot s, String when) throws CliException {
        if (!s.failures().isEmpty()) {
            throw new CliException("demo: " + WORKLOAD + " reported a failure " + when + ": " + s.failures().getFirst());
        }
    }

    private static void kill(int pid) throws InterruptedException {
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        ProcessState.awaitGone(pid, 5_000);
    }

    /** Kills what we started (if it still runs) and removes our temporary files; runs once, also on Ctrl-C. */
    private synchronized void cleanUpQuietly() {
        for (int pid : started) {
            try {
                if (ProcessState.running(pid)) kill(pid);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        started.clear();
        if (workDir != null && Files.exists(workDir)) {
            try (Stream<Path> walk = Files.walk(workDir)) {
                walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                // best effort: a leftover temp dir is harmless and its name says what it is
            }
        }
    }

    private void step(int n, String text) {
        say("[" + n + "/5] " + text);
    }

    private void detail(String text) {
        say("      " + text);
    }

    private void say(String text) {
        out.println(text);
        out.flush();
    }
}
