package dev.cryo.tests;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Runs the real {@code cryo} launcher as a user would, with {@code CRYO_STORE} pointing at the
 * test's own store. Output goes to files, not pipes: a restored process may inherit cryo's
 * descriptors and keep a pipe open long after cryo itself has exited.
 */
final class Cli {
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

    private final Path store;
    private final Path scratch;
    private int runs;

    /** @param store the store directory (need not exist yet); @param scratch where output files go */
    Cli(Path store, Path scratch) {
        this.store = store;
        this.scratch = scratch;
    }

    Path store() {
        return store;
    }

    CliResult run(String... args) {
        return run(DEFAULT_TIMEOUT, args);
    }

    /** Runs with extra environment variables (e.g. CRYO_FAULT for fault injection). */
    CliResult run(java.util.Map<String, String> env, String... args) {
        return run(DEFAULT_TIMEOUT, env, args);
    }

    CliResult run(Duration timeout, String... args) {
        return run(timeout, java.util.Map.of(), args);
    }

    CliResult run(Duration timeout, java.util.Map<String, String> env, String... args) {
        return start(env, args).await(timeout);
    }

    /** A cryo command started and not waited for (the launcher execs the JVM: its PID is cryo's). */
    record Started(Process process, List<String> command, Path out, Path err) {
        /** Waits for it to end; its exit code (137 when it was SIGKILLed) and output. */
        CliResult await(Duration timeout) {
            try {
                if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    process.descendants().forEach(ProcessHandle::destroyForcibly);
                    process.destroyForcibly();
                    fail(String.join(" ", command) + " did not finish within " + timeout + "\n--- stdout:\n"
                            + Files.readString(out) + "--- stderr:\n" + Files.readString(err));
                }
                return new CliResult(command, process.exitValue(), Files.readString(out), Files.readString(err));
            } catch (IOException e) {
                throw new AssertionError(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }
    }

    /**
     * A process builder for {@code command} (cryo, or a shell line running it) with the test's store and JDK
     * in its environment; its redirections are the caller's.
     */
    ProcessBuilder builder(List<String> command) {
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().put("CRYO_STORE", store.toString());
        pb.environment().put("JAVA_HOME", Repo.JDK);
        // Test what `mvn install` built: the launcher must not start a rebuild of its own mid-test.
        pb.environment().put("CRYO_NO_BUILD", "1");
        if (TestDaemon.enabled()) {
            pb.environment().put("CRYO_DAEMON_SOCKET", TestDaemon.socket().toString());
        } else {
            pb.environment().put("CRYO_NO_DAEMON", "1");
        }
        return pb;
    }

    private List<String> cryo(String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Repo.cryo().toString());
        cmd.addAll(List.of(args));
        return cmd;
    }

    /** Starts a command without waiting for it: for tests that kill cryo in the middle of its work. */
    Started start(java.util.Map<String, String> env, String... args) {
        return launch(env, null, args);
    }

    /** The same, with stdin from {@code stdin} (or /dev/null when null). */
    Started startWithInput(Path stdin, String... args) {
        return launch(java.util.Map.of(), stdin, args);
    }

    /** The same, with extra environment variables. */
    Started startWithInput(Path stdin, java.util.Map<String, String> env, String... args) {
        return launch(env, stdin, args);
    }

    private Started launch(java.util.Map<String, String> env, Path stdin, String... args) {
        List<String> cmd = cryo(args);
        int n = ++runs;
        Path out = scratch.resolve("cli-" + n + ".out");
        Path err = scratch.resolve("cli-" + n + ".err");
        ProcessBuilder pb = builder(cmd)
                .redirectInput(ProcessBuilder.Redirect.from((stdin == null ? Path.of("/dev/null") : stdin).toFile()))
                .redirectOutput(out.toFile())
                .redirectError(err.toFile());
        pb.environment().putAll(env);
        try {
            return new Started(pb.start(), cmd, out, err);
        } catch (IOException e) {
            throw new AssertionError("cannot run " + cmd + ": " + e, e);
        }
    }

    /**
     * Starts cryo without waiting (a foreground `cryo run`); stdout and stderr go to {@code out} and its
     * ".err" sibling. The caller ends it.
     */
    Process start(java.util.Map<String, String> env, Path out, String... args) {
        List<String> cmd = cryo(args);
        ProcessBuilder pb = builder(cmd)
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .redirectOutput(out.toFile())
                .redirectError(Path.of(out + ".err").toFile());
        pb.environment().putAll(env);
        try {
            return pb.start();
        } catch (IOException e) {
            throw new AssertionError("cannot run " + cmd + ": " + e, e);
        }
    }

    /** Runs and asserts exit code 0. */
    CliResult ok(String... args) {
        CliResult r = run(args);
        assertEquals(0, r.exitCode(), () -> "expected success: " + r);
        return r;
    }

    /** {@code cryo checkpoint PID [extra...]}, asserting success; returns the checkpoint id. */
    String checkpoint(long pid, String... extra) {
        List<String> args = new ArrayList<>(List.of("checkpoint", Long.toString(pid)));
        args.addAll(List.of(extra));
        String id = ok(args.toArray(String[]::new)).lastLine();
        if (id.isEmpty() || id.contains(" ")) {
            fail("checkpoint id should be one word, got '" + id + "'");
        }
        return id;
    }

    /** {@code cryo restore --detach ID}, asserting success; returns the restored root PID. */
    long restoreDetached(String id) {
        CliResult r = ok("restore", "--detach", id);
        try {
            return Long.parseLong(r.lastLine());
        } catch (NumberFormatException e) {
            throw new AssertionError("last line of restore's stdout is not a PID: " + r, e);
        }
    }
}
