package dev.cryo.tests;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * With {@code -Dcryo.daemon=true} (e.g. {@code mvn -pl cryo-tests test -Dtest=CliErrorsIT -Dcryo.daemon=true}),
 * every command the tests run goes to a {@code cryo daemon} of this test run's own, started on first use and
 * stopped when the test JVM ends: the same black-box checks, through the daemon. Without it the tests set
 * CRYO_NO_DAEMON=1, so that a daemon running on the machine never serves them by accident.
 */
final class TestDaemon {
    private static Path socket;

    private TestDaemon() {}

    static boolean enabled() {
        return Boolean.getBoolean("cryo.daemon");
    }

    /** The socket of the run's daemon, which is started on the first call. */
    static synchronized Path socket() {
        if (socket == null) {
            try {
                Path s = Files.createTempDirectory("cryo-test-daemon-").resolve("daemon.sock");
                control(s, "start");
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    System.err.print("test daemon: " + control(s, "status")); // how many requests it served
                    control(s, "stop");
                    try {
                        System.err.print(Files.readString(s.resolveSibling("daemon.log")));
                        for (String f : List.of("daemon.log", "daemon.sock.lock", "")) Files.deleteIfExists(s.resolveSibling(f));
                    } catch (IOException e) {
                        // a temporary directory
                    }
                }));
                socket = s;
            } catch (IOException e) {
                throw new AssertionError("cannot start the test daemon: " + e, e);
            }
        }
        return socket;
    }

    /** Runs {@code cryo daemon ACTION} on {@code socket}; fails unless it succeeds. */
    static String control(Path socket, String action) {
        ProcessBuilder pb = new ProcessBuilder(List.of(Repo.cryo().toString(), "daemon", action))
                .redirectErrorStream(true);
        pb.environment().put("CRYO_DAEMON_SOCKET", socket.toString());
        pb.environment().put("JAVA_HOME", Repo.JDK);
        pb.environment().put("CRYO_NO_BUILD", "1");
        try {
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new AssertionError("cryo daemon " + action + " failed: " + out);
            }
            return out;
        } catch (IOException e) {
            throw new AssertionError("cannot run cryo daemon " + action + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
