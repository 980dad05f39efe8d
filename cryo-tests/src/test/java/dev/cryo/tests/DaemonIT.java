package dev.cryo.tests;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code cryo daemon} for real: start/stop/status, commands through it giving exactly what the JVM gives,
 * another uid refused, a stale socket replaced, concurrent requests, and the fall-backs to the JVM (no daemon,
 * a declined command, fault injection).
 */
class DaemonIT {
    private static final Duration TICKS = Duration.ofSeconds(30);

    @TempDir
    Path tmp;

    private Cli cli;
    private Path socket;
    private final List<Workload> started = new ArrayList<>();
    private final List<Long> restored = new ArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        cli = new Cli(tmp.resolve("store"), tmp);
        // its own private directory, as the daemon insists
        socket = Files.createDirectory(tmp.resolve("run"), PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwx------"))).resolve("daemon.sock");
    }

    @AfterEach
    void tearDown() {
        started.forEach(Workload::close);
        restored.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
        daemon("stop");
    }

    private Map<String, String> viaDaemon() {
        return Map.of("CRYO_DAEMON_SOCKET", socket.toString(), "CRYO_NO_DAEMON", "0");
    }

    private CliResult daemon(String... args) {
        List<String> a = new ArrayList<>(List.of("daemon"));
        a.addAll(List.of(args));
        return cli.run(viaDaemon(), a.toArray(String[]::new));
    }

    private CliResult served(String... args) {
        return cli.run(viaDaemon(), args);
    }

    private CliResult jvm(String... args) {
        return cli.run(Map.of("CRYO_NO_DAEMON", "1"), args);
    }

    private long counterOf(String key) {
        CliResult r = daemon("status", "--json");
        assertEquals(0, r.exitCode(), () -> "the daemon runs: " + r);
        Matcher m = Pattern.compile("\"" + key + "\":(\\d+)").matcher(r.stdout());
        assertTrue(m.find(), () -> key + " in " + r.stdout());
        return Long.parseLong(m.group(1));
    }

    private Workload counter(String name) {
        Workload w = Workload.start(tmp.resolve(name + ".log"), List.of(Repo.workload("counter01").toString(), "4"));
        started.add(w);
        w.waitForTick(3, TICKS);
        return w;
    }

    /** Runs cryo with {@code dir} as its working directory. */
    private CliResult runIn(Path dir, Map<String, String> env, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Repo.cryo().toString()));
        cmd.addAll(List.of(args));
        Path out = Files.createTempFile(tmp, "out", ""), err = Files.createTempFile(tmp, "err", "");
        ProcessBuilder pb = cli.builder(cmd).directory(dir.toFile()).redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().putAll(env);
        Process p = pb.start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "cryo ends");
        return new CliResult(cmd, p.exitValue(), Files.readString(out), Files.readString(err));
    }

    private static long parentOf(long pid) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("PPid:")) return Long.parseLong(line.substring(5).strip());
        }
        throw new AssertionError("no PPid in /proc/" + pid + "/status");
    }

    @Test
    void startStatusStop() {
        CliResult down = daemon("status");
        assertEquals(1, down.exitCode(), () -> "status without a daemon: " + down);
        assertTrue(down.stdout().contains("not running"), down::toString);

        CliResult up = daemon("start");
        assertEquals(0, up.exitCode(), up::toString);
        assertTrue(Files.exists(socket), "the socket is there once start returns");
        CliResult json = daemon("status", "--json");
        assertEquals(0, json.exitCode(), json::toString);
        assertTrue(json.stdout().contains("\"up\":true") && json.stdout().contains("\"socket\":\"" + socket + "\""), json::toString);
        long pid = counterOf("pid");
        assertTrue(ProcessHandle.of(pid).isPresent(), "the daemon's pid is alive");

        CliResult again = daemon("start");
        assertEquals(0, again.exitCode(), () -> "start when running is a success: " + again);
        assertEquals(pid, counterOf("pid"), "and starts no second daemon");

        CliResult stop = daemon("stop");
        assertEquals(0, stop.exitCode(), stop::toString);
        assertTrue(ProcessHandle.of(pid).isEmpty(), "stop returns once the daemon is gone");
        assertFalse(Files.exists(socket), "and its socket with it");
        assertEquals(1, daemon("status").exitCode());
    }

    @Test
    void commandsThroughTheDaemonAnswerAsTheJvm() throws Exception {
        daemon("start");
        Workload a = counter("a");
        long before = counterOf("requests");
        CliResult ck = served("checkpoint", "--json", Long.toString(a.pid()));
        assertEquals(0, ck.exitCode(), ck::toString);
        assertEquals(before + 1, counterOf("requests"), "the checkpoint ran in the daemon");
        Matcher idm = Pattern.compile("\"id\":\"([0-9a-f]+)\"").matcher(ck.stdout());
        assertTrue(idm.find(), ck::toString);
        String id = idm.group(1);

        String[][] lines = {
                {"ls"}, {"ls", "--json"}, {"inspect", id}, {"inspect", "--json", id}, {"verify", "--quick"},
                {"inspect", "no-such"}, {"rm", "no-such"}, {"ls", "--bogus"}, {"inspect"}, {"ps"}, {"ps", "--json"},
        };
        before = counterOf("requests");
        for (String[] line : lines) {
            CliResult d = served(line), j = jvm(line);
            assertEquals(j.exitCode(), d.exitCode(), () -> "exit code of " + String.join(" ", line) + ":\n" + d + "\n" + j);
            assertEquals(j.stdout(), d.stdout(), () -> "stdout of " + String.join(" ", line));
            assertEquals(j.stderr(), d.stderr(), () -> "stderr of " + String.join(" ", line));
        }
        assertEquals(before + lines.length, counterOf("requests"), "every one of them ran in the daemon");

        // a relative --store is the caller's, not the daemon's working directory's
        before = counterOf("requests");
        String[] relative = {"ls", "--store", "store"};
        CliResult inTmp = runIn(tmp, viaDaemon(), relative), jvmInTmp = runIn(tmp, Map.of("CRYO_NO_DAEMON", "1"), relative);
        assertEquals(0, inTmp.exitCode(), inTmp::toString);
        assertEquals(jvmInTmp.stdout(), inTmp.stdout());
        assertTrue(inTmp.stdout().contains(id.substring(0, 12)), inTmp::toString);
        assertEquals(before + 1, counterOf("requests"));

        // export to stdout through the daemon, import from stdin into another store through it
        Path stream = tmp.resolve("export.cryo");
        var exp = cli.builder(List.of(Repo.cryo().toString(), "export", id, "-")).redirectOutput(stream.toFile())
                .redirectError(tmp.resolve("export.err").toFile());
        exp.environment().putAll(viaDaemon());
        Process p = exp.start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, () -> "export - exits 0");
        Path jvmStream = tmp.resolve("export-jvm.cryo");
        assertEquals(0, jvm("export", id, jvmStream.toString()).exitCode());
        assertArrayEquals(Files.readAllBytes(jvmStream), Files.readAllBytes(stream), "the same stream either way");
        Cli other = new Cli(tmp.resolve("other"), tmp);
        CliResult imp = other.run(viaDaemon(), "import", "-");
        assertEquals(1, imp.exitCode(), () -> "an empty stdin is no stream: " + imp);
        CliResult imp2 = other.startWithInput(stream, viaDaemon(), "import", "-").await(Cli.DEFAULT_TIMEOUT);
        assertEquals(0, imp2.exitCode(), imp2::toString);
        assertTrue(imp2.stdout().contains(id), imp2::toString);

        // restore --detach: the tree runs on, with the parent the JVM path gives it
        a.waitUntilGone(TICKS);
        int mark = a.mark();
        long viaDaemon = Long.parseLong(served("restore", "--detach", id).lastLine());
        restored.add(viaDaemon);
        a.waitForTicksAfter(mark, 2, TICKS);
        Workload b = counter("b");
        String idB = cli.run(Map.of("CRYO_NO_DAEMON", "1"), "checkpoint", Long.toString(b.pid())).lastLine();
        b.waitUntilGone(TICKS);
        long viaJvm = Long.parseLong(jvm("restore", "--detach", idB).lastLine());
        restored.add(viaJvm);
        assertEquals(parentOf(viaJvm), parentOf(viaDaemon), "a restored tree has the same parent either way");
    }

    @Test
    void anotherUserIsRefused() throws Exception {
        daemon("start");
        // open the way to the socket, so that only the daemon's own check stands in it
        Files.setPosixFilePermissions(socket.getParent(), PosixFilePermissions.fromString("rwx--x--x"));
        Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-rw-rw-"));
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwx--x--x"));
        long before = counterOf("refused");
        Process p = new ProcessBuilder("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                Repo.helper().toString(), "call", socket.toString(), "ls").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(1, p.exitValue(), () -> "refused: " + out);
        assertEquals(1, out.lines().count(), () -> "one line: " + out);
        assertTrue(out.startsWith("cryo: daemon: refused: uid 65534"), out);
        assertEquals(before + 1, counterOf("refused"));
    }

    @Test
    void aStaleSocketIsReplacedAndMeanwhileTheJvmServes() throws Exception {
        daemon("start");
        long pid = counterOf("pid");
        ProcessHandle.of(pid).orElseThrow().destroyForcibly();
        ProcessHandle.of(pid).ifPresent(h -> h.onExit().join());
        assertTrue(Files.exists(socket), "SIGKILL leaves the socket behind");

        CliResult ls = served("ls");
        assertEquals(0, ls.exitCode(), () -> "a dead daemon's socket: the JVM runs the command: " + ls);
        assertEquals(jvm("ls").stdout(), ls.stdout());
        assertEquals(1, daemon("status").exitCode(), "status says not running");

        CliResult start = daemon("start");
        assertEquals(0, start.exitCode(), start::toString);
        assertTrue(counterOf("pid") != pid, "a new daemon");
        assertEquals(0, served("ls").exitCode());
        assertEquals(1, counterOf("requests"), "and it serves");
    }

    @Test
    void concurrentRequestsEachGetTheirOwnAnswer() {
        daemon("start");
        List<Workload> ws = List.of(counter("c1"), counter("c2"), counter("c3"));
        long before = counterOf("requests");
        List<Cli.Started> runs = new ArrayList<>();
        for (Workload w : ws) {
            runs.add(cli.start(viaDaemon(), "checkpoint", "--leave-running", "--json", Long.toString(w.pid())));
        }
        runs.add(cli.start(viaDaemon(), "inspect", "no-such"));
        for (int i = 0; i < ws.size(); i++) {
            CliResult r = runs.get(i).await(Cli.DEFAULT_TIMEOUT);
            assertEquals(0, r.exitCode(), r::toString);
            assertTrue(r.stdout().contains("\"root_pid\":" + ws.get(i).pid()) || r.stdout().contains(Long.toString(ws.get(i).pid())),
                    () -> "each caller gets its own checkpoint's answer: " + r);
            assertEquals("", r.stderr(), r::toString);
        }
        CliResult err = runs.getLast().await(Cli.DEFAULT_TIMEOUT);
        assertEquals(1, err.exitCode());
        assertEquals("", err.stdout());
        assertEquals(before + 4, counterOf("requests"));
        assertEquals(3, served("ls", "--json").stdout().split("\"id\"").length - 1);
        for (Workload w : ws) {
            int mark = w.mark();
            w.waitForTicksAfter(mark, 1, TICKS); // left running, untouched
        }
    }

    @Test
    void fallsBackToTheJvm() {
        // no daemon at all
        CliResult none = served("ls");
        assertEquals(0, none.exitCode(), none::toString);
        assertFalse(Files.exists(socket));

        daemon("start");
        long declined = counterOf("declined");
        CliResult version = served("--version");
        assertEquals(0, version.exitCode());
        assertEquals(jvm("--version").stdout(), version.stdout());
        assertEquals(declined + 1, counterOf("declined"), "--version is not served but answered by the JVM");

        // fault injection is read once per JVM: such a request gets a JVM of its own
        Workload w = counter("f");
        Map<String, String> env = new java.util.HashMap<>(viaDaemon());
        env.put("CRYO_FAULT", "memory");
        CliResult fault = cli.run(env, "checkpoint", Long.toString(w.pid()));
        assertEquals(1, fault.exitCode(), fault::toString);
        assertTrue(fault.stderr().contains("injected fault"), fault::toString);
        assertEquals(declined + 2, counterOf("declined"));
        int mark = w.mark();
        w.waitForTicksAfter(mark, 1, TICKS);

        CliResult forced = cli.run(Map.of("CRYO_DAEMON_SOCKET", socket.toString(), "CRYO_NO_DAEMON", "1"), "ls");
        assertEquals(0, forced.exitCode());
        assertEquals(declined + 2, counterOf("declined"), "CRYO_NO_DAEMON=1 does not even ask");
    }
}
