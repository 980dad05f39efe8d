package dev.cryo.cli.output;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Whether stderr is a terminal. System.console() answers for stdin/stdout (and, since JDK 22, may
 * answer even when they are redirected); progress goes to stderr, so we ask the kernel about fd 2.
 */
public final class Terminal {
    private Terminal() {}

    public static boolean stderrIsTerminal() {
        try {
            String target = Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty") || target.equals("/dev/console");
        } catch (Exception e) {
            return false;
        }
    }
}
