package dev.cryo.tests;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real server tree: nginx (Debian's package; ./test.sh installs it) with a master and two workers, its
 * own prefix, config and logs in a temp directory, serving a static page on a free loopback port. The
 * master and the workers share the listening socket (inherited across fork) and talk over socketpairs
 * (the master holds both ends, each worker its own end and the other workers'); workers wait in epoll
 * with an eventfd, and all share an anonymous shared mapping (nginx's accept mutex and counters). After a
 * restore the same master and workers (running as nginx's unprivileged user) serve the page, and the master
 * still commands its workers over the socketpairs: a graceful stop (SIGQUIT) ends the whole tree.
 */
class NginxIT {
    private static final Path NGINX = Path.of("/usr/sbin/nginx");
    private static final String PAGE = "served by cryo's nginx test\n";

    @TempDir
    Path tmp;

    private Cli cli;
    private Workload master;
    private int port;
    private List<String> command;

    @BeforeEach
    void startNginx() throws IOException {
        assertTrue(Files.isExecutable(NGINX), "nginx is not installed (./test.sh installs it: apt-get install nginx)");
        cli = new Cli(tmp.resolve("store"), tmp);
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        Path dir = tmp.resolve("nginx");
        Files.createDirectories(dir.resolve("html"));
        // the workers run as nginx's default user (not root): they must reach the page through the temp dir
        for (Path p : List.of(tmp, dir, dir.resolve("html"))) Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.createDirectories(dir.resolve("temp"));
        Files.writeString(dir.resolve("html/index.html"), PAGE);
        String d = dir.toString();
        Files.writeString(dir.resolve("nginx.conf"), """
                worker_processes 2;
                pid %1$s/nginx.pid;
                error_log %1$s/error.log;
                events { worker_connections 64; }
                http {
                    access_log %1$s/access.log;
                    client_body_temp_path %1$s/temp/body;
                    proxy_temp_path %1$s/temp/proxy;
                    fastcgi_temp_path %1$s/temp/fastcgi;
                    uwsgi_temp_path %1$s/temp/uwsgi;
                    scgi_temp_path %1$s/temp/scgi;
                    server { listen 127.0.0.1:%2$d; root %1$s/html; }
                }
                """.formatted(d, port));
        command = List.of(NGINX.toString(), "-p", d, "-e", d + "/error.log", "-c", d + "/nginx.conf",
                "-g", "daemon off; master_process on;");
        master = Workload.start(tmp.resolve("nginx.log"), command);
        Workload.await(() -> Proc.writingTo(master.log()).size() == 3 && serves(), Duration.ofSeconds(30),
                "nginx's master and 2 workers to serve on port " + port + "\n" + master.tail());
    }

    @AfterEach
    void stopNginx() {
        if (master != null) master.close(); // by PID: the master and every process writing to its log
    }

    @Test
    void checkpointKillRestoreServesThePageFromTheSameProcesses() {
        Map<Long, Map<Integer, String>> before = descriptors();
        String id = cli.checkpoint(master.pid());
        master.waitUntilDead(Duration.ofSeconds(10));
        master.waitUntilTreeGone(Duration.ofSeconds(30));
        assertTrue(!serves(), "nothing serves the page while nginx is down");
        assertEquals(master.pid(), cli.restoreDetached(id), "restored master PID");
        assertServesFrom(before);
        assertGracefulStopEndsTheTree();
    }

    @Test
    void leaveRunningKeepsServingAndItsCheckpointRestoresAfterAKill() {
        Map<Long, Map<Integer, String>> before = descriptors();
        String id = cli.checkpoint(master.pid(), "--leave-running");
        assertServesFrom(before);
        master.stopTree(Duration.ofSeconds(30));
        assertEquals(master.pid(), cli.restoreDetached(id), "restored master PID");
        assertServesFrom(before);
        assertGracefulStopEndsTheTree();
    }

    /**
     * Serves the page, from the same processes, with the same descriptors and status flags (O_NONBLOCK on
     * every socket, O_ASYNC on the master's ends of its socketpairs: SIGIO tells it a worker wrote).
     */
    /**
     * As an application group (`cryo run`: init + master + 2 workers in a PID namespace), checkpointed and
     * restored by name: the ids the image keeps (the owner of the master's O_ASYNC sockets too) are the
     * namespace's.
     */
    @Test
    void asAGroupItIsCheckpointedAndRestoredByName() {
        master.close();
        master.waitUntilTreeGone(Duration.ofSeconds(30));
        Map<String, String> env = Map.of("CRYO_RUN_DIR", tmp.resolve("run").toString());
        List<String> run = new java.util.ArrayList<>(List.of("run", "--detach", "--name", "web", "--"));
        run.addAll(command);
        try {
            assertEquals(0, cli.run(env, run.toArray(String[]::new)).exitCode(), "cryo run");
            Workload.await(this::serves, Duration.ofSeconds(30), "the group's nginx to serve on port " + port);
            CliResult ck = cli.run(env, "checkpoint", "web");
            assertEquals(0, ck.exitCode(), ck::toString);
            assertTrue(!serves(), "nothing serves the page while the group is down");
            CliResult rs = cli.run(env, "restore", "--detach", "web");
            assertEquals(0, rs.exitCode(), rs::toString);
            for (int i = 0; i < 20; i++) assertTrue(serves(), "request " + i + " gets the page after the restore");
            CliResult ps = cli.run(env, "ps", "--json");
            assertTrue(ps.stdout().contains("\"processes\":3"), () -> "the master and 2 workers (init is in no cgroup): " + ps);
        } finally {
            cli.run(env, "kill", "web");
        }
    }

    private void assertServesFrom(Map<Long, Map<Integer, String>> before) {
        for (int i = 0; i < 20; i++) assertTrue(serves(), "request " + i + " gets the page\n" + master.tail());
        assertEquals(before, descriptors(), "the same master and workers, with the same descriptors and flags");
        for (long p : before.keySet()) {
            for (Proc.TaskStatus t : Proc.tasks(p)) assertEquals(0, t.tracerPid(), () -> "task " + t.tid() + " is still traced");
        }
    }

    /** SIGQUIT to the master: it tells its workers over the socketpairs to finish, and they all exit. */
    private void assertGracefulStopEndsTheTree() {
        ProcessHandle.of(master.pid()).orElseThrow(); // still there
        try {
            new ProcessBuilder("/bin/kill", "-QUIT", Long.toString(master.pid())).start().waitFor();
        } catch (IOException e) {
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        master.waitUntilTreeGone(Duration.ofSeconds(30));
    }

    /** For each process of the tree: fd number -> the "flags:" of its fdinfo (octal O_* status flags). */
    private Map<Long, Map<Integer, String>> descriptors() {
        Map<Long, Map<Integer, String>> all = new TreeMap<>();
        for (long p : Proc.writingTo(master.log())) {
            Map<Integer, String> flags = new TreeMap<>();
            for (int fd : Proc.fdsLinkingTo(p, "")) {
                try {
                    for (String line : Files.readAllLines(Path.of("/proc/" + p + "/fdinfo/" + fd))) {
                        if (line.startsWith("flags:")) flags.put(fd, line.substring(6).strip());
                    }
                } catch (IOException e) {
                    throw new AssertionError("cannot read fdinfo " + fd + " of " + p + ": " + e, e);
                }
            }
            all.put(p, flags);
        }
        return all;
    }

    /** One HTTP/1.0 GET of / on a new connection: true when the answer is 200 with the page. */
    private boolean serves() {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(5000);
            OutputStream out = s.getOutputStream();
            out.write("GET / HTTP/1.0\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            String answer = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return answer.startsWith("HTTP/1.1 200") && answer.endsWith(PAGE);
        } catch (IOException e) {
            return false;
        }
    }
}
