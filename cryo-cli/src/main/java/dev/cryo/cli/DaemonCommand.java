package dev.cryo.cli;

import dev.cryo.cli.daemon.DaemonClient;
import dev.cryo.cli.daemon.DaemonServer;
import dev.cryo.cli.daemon.DaemonSocket;
import dev.cryo.cli.daemon.DaemonStatus;
import dev.cryo.cli.invocation.Invocation;
import dev.cryo.cli.output.Json;
import dev.cryo.engine.HelperBinary;
import dev.cryo.linux.net.ControlSocket;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** {@code cryo daemon [start|stop|status]}: the resident warm engine that the launcher hands commands to. */
final class DaemonCommand implements java.util.concurrent.Callable<Integer> {
    private static final long START_TIMEOUT_MS = 60_000, STOP_TIMEOUT_MS = 120_000;
    private final CommandSpec spec = Options.verb(this, "daemon", "Run the resident engine that serves cryo commands warm.",
            "Without ACTION, serves in the foreground (for a service manager) until stopped. start: the same, detached "
                    + "(its messages go to daemon.log next to the socket), returning once it answers; stop: ends it once "
                    + "the commands under way are done; status: whether it runs (exit 0) or not (exit 1).",
            "While it runs, ./cryo hands checkpoint, restore --detach, ls, inspect, verify, rm, gc, ps, kill, logs, "
                    + "export and import to it; everything else (and everything with CRYO_NO_DAEMON=1) runs in a JVM of its own.",
            "The socket is /run/cryo/daemon.sock for root, $XDG_RUNTIME_DIR/cryo/daemon.sock for others, or "
                    + "$CRYO_DAEMON_SOCKET; only the daemon's own user is served.");
    private final PositionalParamSpec action = Options.optionalParameter("ACTION", "start, stop or status.");
    private final OutputOptions output = new OutputOptions();

    DaemonCommand() {
        spec.addPositional(action);
        output.addTo(spec);
    }

    CommandSpec spec() {
        return spec;
    }

    @Override
    public Integer call() throws Exception {
        Path socket = DaemonSocket.path(Invocation.current().env(), StoreLocation.runningAsRoot());
        String what = action.getValue();
        if (what == null) {
            new DaemonServer(socket, System.err).run();
            return ExitCodes.OK;
        }
        return switch (what) {
            case "start" -> start(socket);
            case "stop" -> stop(socket);
            case "status" -> print(DaemonClient.status(socket));
            default -> throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "daemon: unknown ACTION '" + what + "' (expected start, stop or status)");
        };
    }

    private int print(DaemonStatus s) {
        PrintWriter out = spec.commandLine().getOut();
        out.print(output.json() ? Json.write(s) + "\n" : s.text());
        out.flush();
        return s.up() ? ExitCodes.OK : ExitCodes.FAILED;
    }

    private int start(Path socket) throws Exception {
        DaemonStatus s = DaemonClient.status(socket);
        if (s.up() && !s.stale()) return print(s);
        if (s.up()) {
            // it runs the code of before a rebuild and declines everything: replace it
            awaitStopped(DaemonClient.stop(socket));
        }
        Path home = CryoHome.find();
        DaemonSocket.prepareDirectory(socket.getParent(), ControlSocket.effectiveUid());
        Path log = socket.resolveSibling("daemon.log");
        List<String> cmd = List.of(HelperBinary.path("daemon").toString(), "spawn", log.toString(), "--",
                home.resolve("cryo").toString(), "daemon");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String said = new String(p.getInputStream().readAllBytes()).strip();
        if (p.waitFor() != 0) throw new CliException("daemon: cannot start it: " + said);
        Optional<ProcessHandle> daemon = ProcessHandle.of(Long.parseLong(said));
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(START_TIMEOUT_MS);
        while (true) {
            s = DaemonClient.status(socket);
            if (s.up()) return print(s);
            if (daemon.isEmpty() || !daemon.get().isAlive() || System.nanoTime() > deadline) {
                throw new CliException("daemon: it did not start" + lastLine(log));
            }
            try {
                daemon.get().onExit().get(20, TimeUnit.MILLISECONDS); // wakes at once if it dies
            } catch (TimeoutException still) {
                // not listening yet
            } catch (ExecutionException e) {
                throw new IOException(e.getCause());
            }
        }
    }

    private int stop(Path socket) throws Exception {
        DaemonStatus s = DaemonClient.stop(socket);
        awaitStopped(s);
        PrintWriter out = spec.commandLine().getOut();
        out.print(output.json() ? Json.write(s) + "\n" : (s.up() ? "daemon: stopped pid " + s.pid() + "\n" : s.text()));
        out.flush();
        return ExitCodes.OK;
    }

    /** Waits until the daemon that answered {@code s} is gone. */
    private static void awaitStopped(DaemonStatus s) throws Exception {
        if (!s.up()) return;
        Optional<ProcessHandle> daemon = ProcessHandle.of(s.pid());
        if (daemon.isPresent()) {
            try {
                daemon.get().onExit().get(STOP_TIMEOUT_MS, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                throw new CliException("daemon: pid " + s.pid() + " did not stop within " + STOP_TIMEOUT_MS / 1000 + " s");
            }
        }
    }

    /** The daemon log's last line, which says why it ended. */
    private static String lastLine(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return lines.isEmpty() ? "" : ": " + lines.getLast().replaceFirst("^cryo: ", "");
        } catch (IOException e) {
            return "";
        }
    }
}
