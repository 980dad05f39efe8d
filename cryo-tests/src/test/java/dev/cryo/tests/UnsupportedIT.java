package dev.cryo.tests;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static dev.cryo.tests.ErrorOutput.assertOperationalError;
import static dev.cryo.tests.ErrorOutput.mentionsNumber;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A process holding what Cryo cannot checkpoint: the checkpoint refuses in one line naming the pid,
 * the fd and its kind, and the process goes on untouched (not traced, not stopped, not killed).
 */
class UnsupportedIT {
    private static final Duration TICKS = Duration.ofSeconds(30);

    @TempDir
    Path tmp;

    private Cli cli;
    private final List<Workload> started = new ArrayList<>();

    @BeforeEach
    void newStore() {
        cli = new Cli(tmp.resolve("store"), tmp);
    }

    @AfterEach
    void stopWorkloads() {
        started.forEach(Workload::close);
    }

    @Test
    void ioUringIsRefused() {
        Workload w = start("unsupported_uring01");
        refused(w, Proc.fdsLinkingTo(w.pid(), "io_uring"), "io_uring");
    }

    @Test
    void aHalfClosedTcpConnectionIsRefused() {
        Workload w = start("unsupported_tcp01");
        refused(w, Proc.fdsLinkingTo(w.pid(), "socket:"), "tcp");
    }

    @Test
    void aUnixSocketConnectedToAnotherProcessIsRefusedNamingThePeer() throws java.io.IOException {
        Path path = tmp.resolve("outside.sock");
        try (var listener = java.nio.channels.ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX)) {
            listener.bind(java.net.UnixDomainSocketAddress.of(path));
            Thread acceptor = Thread.ofVirtual().start(() -> {
                try {
                    accepted = listener.accept();
                } catch (java.io.IOException e) {
                    // the listener was closed: the test has ended
                }
            });
            Workload w = start("unsupported_unix01", path.toString());
            String line = refused(w, Proc.fdsLinkingTo(w.pid(), "socket:"), "unix");
            assertTrue(line.contains(path.toString()), "the error names the peer " + path + ": " + line);
            acceptor.join(Duration.ofSeconds(10));
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        } finally {
            if (accepted != null) accepted.close();
        }
    }

    private java.nio.channels.SocketChannel accepted;

    @Test
    void aListenerWithAConnectionWaitingToBeAcceptedIsRefused() throws java.io.IOException {
        Path portFile = tmp.resolve("port");
        Workload w = start("unsupported_backlog01", portFile.toString());
        int port = Integer.parseInt(java.nio.file.Files.readString(portFile).strip());
        try (java.net.Socket client = new java.net.Socket("127.0.0.1", port)) {
            String line = refused(w, Proc.fdsLinkingTo(w.pid(), "socket:"), "tcp");
            assertTrue(line.contains("accept queue"), "the error says why: " + line);
            assertTrue(client.isConnected());
        }
    }

    @Test
    void aSocketWithAPendingErrorIsRefusedAndKeepsIt() {
        Workload w = start("unsupported_soerror01");
        w.waitForTick(1, TICKS); // the error is pending from then on
        // refused() lets it tick on: it FAILs if the checkpoint cleared the error
        String line = refused(w, Proc.fdsLinkingTo(w.pid(), "socket:"), "udp");
        assertTrue(line.contains("error is pending"), "the error says why: " + line);
    }

    @Test
    void anEpollWatchWhoseFdWasClosedIsRefused() {
        Workload w = start("unsupported_epoll01");
        refused(w, Proc.fdsLinkingTo(w.pid(), "anon_inode:[eventpoll]"), "epoll");
    }

    @Test
    void leaveRunningRefusesTheSame() {
        Workload w = start("unsupported_uring01");
        refused(w, Proc.fdsLinkingTo(w.pid(), "io_uring"), "io_uring", "--leave-running");
    }

    @Test
    void aSeccompFilterIsRefused() {
        refusedState(start("unsupported_state01", "seccomp"), "seccomp");
    }

    /**
     * A process waiting in vfork for a child that neither execs nor exits never reaches a ptrace stop: the
     * freeze gives up after a bound, names it and its child, and leaves the whole tree as it was.
     */
    @Test
    void aProcessStoppedInVforkIsRefusedAndTheTreeRunsOn() {
        Workload w = start("unsupported_vfork01");
        Workload.await(() -> Proc.writingTo(w.log()).size() == 3, TICKS, "P and its vfork child");
        List<Long> tree = Proc.writingTo(w.log());
        long p = tree.stream().filter(t -> Proc.state(t).orElse("").startsWith("D")).findFirst()
                .orElseThrow(() -> new AssertionError("no process waits in vfork: " + tree));
        String line = assertOperationalError(cli.run("checkpoint", Long.toString(w.pid())), "vfork");
        assertTrue(mentionsNumber(line, p), "the error names the process in vfork " + p + ": " + line);
        w.assertRunningUntraced();
        for (long t : tree) {
            assertTrue(Proc.tasks(t).stream().allMatch(task -> task.tracerPid() == 0 && !task.state().startsWith("t")),
                    () -> "pid " + t + " is left untraced and not stopped: " + Proc.tasks(t));
        }
        assertTrue(Proc.state(p).orElse("").startsWith("D"), "it still waits for its child");
        w.waitForTick(w.lastTick() + 3, TICKS);
        w.assertNoFail();
    }

    /** State that is not one descriptor: the error names the pid and the kind; the process goes on. */
    private void refusedState(Workload w, String kind) {
        String line = assertOperationalError(cli.run("checkpoint", Long.toString(w.pid())), kind);
        assertTrue(mentionsNumber(line, w.pid()), "the error names the pid " + w.pid() + ": " + line);
        w.assertRunningUntraced();
        w.waitForTick(w.lastTick() + 3, TICKS);
        w.assertNoFail();
        w.assertPidUnchanged();
    }

    private Workload start(String name, String... args) {
        List<String> command = new ArrayList<>(List.of(Repo.workload(name).toString()));
        command.addAll(List.of(args));
        Workload w = Workload.start(tmp.resolve(name + ".log"), command);
        started.add(w);
        Workload.await(() -> !w.lines().isEmpty() || !w.alive(), TICKS, name + " to start");
        String first = w.lines().isEmpty() ? "" : w.lines().getFirst();
        Assumptions.assumeFalse(first.startsWith("UNAVAILABLE"), () -> "the kernel does not allow it: " + first);
        w.waitForTick(3, TICKS);
        return w;
    }

    private String refused(Workload w, List<Integer> fds, String kind, String... extra) {
        assertFalse(fds.isEmpty(), "the workload holds no " + kind + " fd");
        List<String> args = new ArrayList<>(List.of("checkpoint", Long.toString(w.pid())));
        args.addAll(List.of(extra));
        String line = assertOperationalError(cli.run(args.toArray(String[]::new)), kind);
        assertTrue(mentionsNumber(line, w.pid()), "the error names the pid " + w.pid() + ": " + line);
        assertTrue(fds.stream().anyMatch(fd -> mentionsNumber(line.replace(Long.toString(w.pid()), ""), fd)),
                "the error names the fd (one of " + fds + "): " + line);
        w.assertRunningUntraced();
        long last = w.lastTick();
        w.waitForTick(last + 3, TICKS);
        w.assertNoFail();
        w.assertPidUnchanged();
        return line;
    }
}
