package dev.cryo.tests;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.cryo.tests.ErrorOutput.assertOperationalError;
import static dev.cryo.tests.ErrorOutput.mentionsNumber;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * SysV IPC of a group (workloads/sysv01.c, three processes in the group's own IPC namespace): shared
 * memory with a counter under a semaphore, a message queue with messages in flight, a segment removed
 * while attached, a read-only attachment. Checkpointed left running and killed, restored by name: the
 * workload checks ids, keys, owners, contents and attachments itself on every tick, and the objects
 * listed in the restored namespace (ipcs) match the ones of the original. A plain PID's SysV memory is
 * refused, naming the process and the segment (SEM_UNDO adjustments: {@link SemUndoIT}).
 */
class SysvIpcIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @TempDir
    Path tmp;

    private Cli cli;
    private GroupLog log;
    private Map<String, String> env;
    private final List<String> groups = new ArrayList<>();
    private final List<Workload> started = new ArrayList<>();

    @BeforeEach
    void setUp() {
        cli = new Cli(tmp.resolve("store"), tmp);
        env = Map.of("CRYO_RUN_DIR", tmp.resolve("run").toString());
        log = new GroupLog(tmp.resolve("run"));
    }

    @AfterEach
    void cleanUp() {
        for (String g : groups) cli.run(env, "kill", g);
        started.forEach(Workload::close);
    }

    @Test
    void aGroupsSharedMemorySemaphoresAndQueuesComeBackWithTheirIds() throws Exception {
        String name = "sysv";
        assertEquals(name, ok("run", "--detach", "--name", name, "--", Repo.workload("sysv01").toString()).lastLine());
        groups.add(name);
        awaitTicks(name, 5);
        String before = ipcs(rootPid(name));
        assertTrue(before.contains("0x43525900") && before.contains("dest"), before);

        ok("checkpoint", "--leave-running", name);
        awaitTicks(name, lastTick(name) + 5); // left running, objects untouched

        ok("checkpoint", name); // and killed
        long killedAt = lastTick(name);
        ok("restore", "--detach", name);
        awaitTicks(name, killedAt + 5);
        assertEquals(objects(before), objects(ipcs(rootPid(name))),
                "the same objects (key, id, owner, permissions, size, attachments) in the restored namespace");

        // a restored group is checkpointed and restored again
        ok("checkpoint", name);
        long at = lastTick(name);
        ok("restore", "--detach", name);
        awaitTicks(name, at + 5);
        log.assertNoFail(name);
    }

    @Test
    void sysvMemoryOfAPlainPidIsRefusedNamingTheProcessAndTheSegment() {
        Workload w = Workload.start(tmp.resolve("host.log"), List.of(Repo.workload("sysv01").toString(), "host"));
        started.add(w);
        w.waitForTick(3, TIMEOUT);
        String line = assertOperationalError(cli.run("checkpoint", Long.toString(w.pid())), "SysV shared memory segment");
        assertTrue(mentionsNumber(line, w.pid()), "the error names the pid " + w.pid() + ": " + line);
        w.assertRunningUntraced();
        w.waitForTick(w.lastTick() + 3, TIMEOUT);
        w.assertNoFail();
    }

    /** The group's root as seen from here. */
    private long rootPid(String name) {
        Matcher m = Pattern.compile("\"pid\":(\\d+)").matcher(ok("ps", "--json").stdout());
        if (!m.find()) fail("no pid for " + name);
        return Long.parseLong(m.group(1));
    }

    /** ipcs run in the IPC namespace of {@code pid}. */
    private static String ipcs(long pid) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("nsenter", "--ipc=/proc/" + pid + "/ns/ipc", "ipcs", "-m", "-s", "-q")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0, out);
        return out;
    }

    /** The object lines of ipcs, without a queue's byte and message counts (its messages move on). */
    private static List<String> objects(String ipcs) {
        List<String> out = new ArrayList<>();
        boolean queues = false;
        for (String line : ipcs.split("\n")) {
            if (line.contains("------")) queues = line.contains("Message Queues");
            if (!line.startsWith("0x")) continue;
            List<String> f = List.of(line.trim().split("\\s+"));
            out.add(String.join(" ", queues ? f.subList(0, 4) : f));
        }
        return out;
    }

    private CliResult ok(String... args) {
        CliResult r = cli.run(env, args);
        assertEquals(0, r.exitCode(), () -> "expected success: " + r);
        return r;
    }

    private void awaitTicks(String name, long atLeast) {
        log.awaitTicks(name, atLeast, TIMEOUT);
    }

    private long lastTick(String name) {
        return log.lastTick(name);
    }
}
