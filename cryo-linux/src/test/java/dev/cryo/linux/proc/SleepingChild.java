package dev.cryo.linux.proc;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;

/**
 * A real process to read /proc of: /bin/sleep copied under a chosen file name, so its comm can hold spaces and
 * parentheses. Only read, never traced, so being a ProcessBuilder child is fine.
 */
final class SleepingChild implements AutoCloseable {

    private final Process process;
    private final Path exe;

    SleepingChild(Path dir, String exeName) throws IOException {
        exe = dir.resolve(exeName);
        Files.copy(Path.of("/bin/sleep"), exe, StandardCopyOption.REPLACE_EXISTING);
        exe.toFile().setExecutable(true);
        process = new ProcessBuilder(exe.toString(), "600").redirectErrorStream(true).start();
    }

    int pid() {
        return (int) process.pid();
    }

    /** Waits (bounded) until the child sleeps in nanosleep, so its stat no longer changes under the test. */
    SleepingChild awaitSleeping() throws IOException, InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(10));
        while (StatParser.read(pid()).state() != 'S') {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("child " + pid() + " did not reach S");
            }
            Thread.sleep(5);
        }
        return this;
    }

    @Override
    public void close() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }
}
