package dev.cryo.cli.output;

import dev.cryo.cli.invocation.Invocation;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Whether stderr (or stdout) is a terminal. System.console() answers for stdin/stdout (and, since JDK 22, may
 * answer even when they are redirected); progress goes to stderr, so we ask the kernel about fd 2.
 */
public final class Terminal {
    private Terminal() {}

    public static boolean stderrIsTerminal() {
        return isTerminal(Invocation.current().stderrFd());
    }

    /** Whether stdout is a terminal (binary output is refused there). */
    public static boolean stdoutIsTerminal() {
        return isTerminal(Invocation.current().stdoutFd());
    }

    private static boolean isTerminal(int fd) {
        try {
            String target = Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty") || target.equals("/dev/console");
        } catch (Exception e) {
            return false;
        }
    }
}
