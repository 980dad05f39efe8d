package dev.cryo.cli.invocation;

import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * What one command line runs with besides its arguments: the caller's working directory, environment and
 * stdin/stdout/stderr. In a plain JVM that is the process's own; in {@code cryo daemon} every request brings
 * its own, so commands ask here instead of System.getenv, System.in/out or the JVM's working directory.
 *
 * @param cwd    the directory relative paths are relative to
 * @param env    the environment the command sees
 * @param fds    the descriptors of stdin, stdout and stderr in this process (for /proc/self/fd questions)
 * @param stdin  stdin as a stream that the command may close (the descriptor stays open)
 * @param stdout stdout as a stream, for binary output
 */
public record Invocation(Path cwd, Map<String, String> env, int[] fds, InputStream stdin, OutputStream stdout) {
    private static final ScopedValue<Invocation> CURRENT = ScopedValue.newInstance();

    /** The invocation the calling thread runs for: a daemon request's, else this process's own. */
    public static Invocation current() {
        return CURRENT.isBound() ? CURRENT.get() : Process.OWN;
    }

    /** Runs {@code work} with {@code inv} as {@link #current()}. */
    public static <T> T runAs(Invocation inv, Callable<T> work) throws Exception {
        return ScopedValue.where(CURRENT, inv).call(work::call);
    }

    /** {@code path} as the caller means it: relative to its working directory (not normalized, like Path.toAbsolutePath). */
    public Path resolve(String path) {
        return cwd.resolve(path);
    }

    public String env(String name) {
        return env.get(name);
    }

    public int stdinFd() {
        return fds[0];
    }

    public int stdoutFd() {
        return fds[1];
    }

    public int stderrFd() {
        return fds[2];
    }

    /** This JVM's own (created on first use, so that a daemon never builds it). */
    private static final class Process {
        static final Invocation OWN = new Invocation(Path.of("").toAbsolutePath(), System.getenv(), new int[] {0, 1, 2},
                new FileInputStream(FileDescriptor.in), new FileOutputStream(FileDescriptor.out));
    }
}
