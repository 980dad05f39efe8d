package dev.cryo.tests;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Processes a group's init adopted (daemons: double forks, setsid, background jobs of a shell) come back
 * with their PIDs, parent (init, PID 1 of the namespace), session and group, also when the leader of
 * their session or group has exited, is a zombie, or is another live process of the group. Checked from inside (orphans01 checks its ids and its sockets and
 * pipe every tick) and from outside (every member's ids as seen in the group's namespace, before and
 * after). Group names are unique per test run: the freezer cgroups are the machine's.
 */
class OrphansIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @TempDir
    Path tmp;

    private Cli cli;
    private GroupLog log;
    private Map<String, String> env;
    private final List<String> groups = new ArrayList<>();

    @BeforeEach
    void setUp() {
        cli = new Cli(tmp.resolve("store"), tmp);
        env = Map.of("CRYO_RUN_DIR", tmp.resolve("run").toString());
        log = new GroupLog(tmp.resolve("run"));
    }

    @AfterEach
    void killGroups() {
        for (String g : groups) cli.run(env, "kill", g);
    }

    @Test
    void daemonsAdoptedByInitComeBackWithTheirIdsAndGoOn() {
        String name = run(Repo.workload("orphans01").toString());
        log.awaitTicks(name, 5, TIMEOUT);
        List<String> before = members(name);
        assertEquals(7, before.size(), () -> "R, D, D2, E, F, P and Q (the zombie L is in no cgroup): " + before);
        assertTrue(before.stream().filter(m -> m.split(" ")[1].equals("1")).count() == 6,
                () -> "R and the five orphans are init's children: " + before);

        ok("checkpoint", "--leave-running", name);
        long at = log.lastTick(name);
        log.awaitTicks(name, at + 5, TIMEOUT);
        assertEquals(before, members(name), "left running as it was");

        ok("checkpoint", name);
        long killedAt = log.lastTick(name);
        ok("restore", "--detach", name);
        log.awaitTicks(name, killedAt + 5, TIMEOUT);
        assertEquals(before, members(name), "PIDs, parents, groups and sessions as they were");

        // the restored group again (its orphans were made by the restore this time)
        ok("checkpoint", name);
        killedAt = log.lastTick(name);
        ok("restore", "--detach", name);
        log.awaitTicks(name, killedAt + 5, TIMEOUT);
        assertEquals(before, members(name));
        log.assertNoFail(name);
    }

    @Test
    void aShellsDoubleForksComeBack() {
        // setsid -f: an orphan leading its session; (cmd &): an orphan in the shell's session; setsid -f sh -c
        // 'cmd &': the classic daemon, in a session whose leader has exited
        String name = run("/bin/sh", "-c", "setsid -f sleep 1000; (sleep 1001 &); setsid -f sh -c 'sleep 1002 & exit';"
                + " exec sleep 1003");
        awaitCommands(name, "sleep 1000", "sleep 1001", "sleep 1002", "sleep 1003");
        List<String> before = members(name);
        ok("checkpoint", name);
        ok("restore", "--detach", name);
        assertEquals(before, members(name));
    }

    @Test
    void anOrphanInTheSessionOfALiveProcessComesBack() {
        // the root leads its session; the subshell's sleep is adopted by init in it (a transient stub made by
        // the root at restore, reaped by it, creates it there)
        String name = run("setsid", "sh", "-c", "(sleep 1004 &); exec sleep 1005");
        awaitCommands(name, "sleep 1004", "sleep 1005");
        List<String> before = members(name);
        ok("checkpoint", "--leave-running", name);
        assertEquals(before, members(name));
        ok("checkpoint", name);
        ok("restore", "--detach", name);
        assertEquals(before, members(name));
        for (long p : outerPids(name)) {
            String children = read(Path.of("/proc", Long.toString(p), "task", Long.toString(p), "children"));
            String comm = read(Path.of("/proc", Long.toString(p), "comm")).strip();
            if (comm.equals("sleep")) assertEquals("", children.strip(), "no transient stub is left under " + p);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private String run(String... command) {
        String name = "orphans-" + ProcessHandle.current().pid() + "-" + groups.size();
        List<String> args = new ArrayList<>(List.of("run", "--detach", "--name", name, "--"));
        args.addAll(List.of(command));
        assertEquals(name, ok(args.toArray(String[]::new)).lastLine());
        groups.add(name);
        return name;
    }

    /** Waits until the group's processes (but init) run exactly {@code commands}: the shell has done its forks. */
    private void awaitCommands(String name, String... commands) {
        List<String> expected = List.of(commands);
        Workload.await(() -> members(name).stream().map(m -> m.split(" ", 5)[4]).sorted().toList().equals(expected),
                TIMEOUT, "the group to run " + expected);
    }

    private CliResult ok(String... args) {
        CliResult r = cli.run(env, args);
        assertEquals(0, r.exitCode(), () -> "expected success: " + r);
        return r;
    }

    /**
     * The group's processes as outside PIDs, from its freezer cgroup (init included): found from init's
     * own /proc/PID/cgroup (init's PID is in the registry), wherever cryo keeps the group's cgroup.
     */
    private List<Long> outerPids(String name) {
        try {
            String init = Files.readString(tmp.resolve("run/groups").resolve(name).resolve("pids")).strip().split(" ")[0];
            for (String line : Files.readAllLines(Path.of("/proc", init, "cgroup"))) {
                String[] f = line.split(":", 3); // ID:CONTROLLERS:PATH
                Path dir = f[1].equals("freezer") ? Path.of("/sys/fs/cgroup/freezer" + f[2])
                        : f[1].isEmpty() && f[0].equals("0") ? Path.of("/sys/fs/cgroup" + f[2]) : null;
                if (dir == null || !Files.exists(dir.resolve("cgroup.procs"))) continue;
                return Files.readAllLines(dir.resolve("cgroup.procs")).stream().filter(l -> !l.isBlank())
                        .map(l -> Long.parseLong(l.strip())).toList();
            }
        } catch (IOException gone) {
            // the group has ended
        }
        return List.of();
    }

    /**
     * Every process of the group but init, as seen inside its namespace: "PID PPID PGID SID CMDLINE",
     * sorted (a PGID or SID led from outside the namespace reads 0).
     */
    private List<String> members(String name) {
        Map<Long, Map<String, String>> status = new HashMap<>();
        for (long pid : outerPids(name)) {
            try {
                Map<String, String> fields = new HashMap<>();
                for (String l : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                    int colon = l.indexOf(':');
                    if (colon > 0) fields.put(l.substring(0, colon), l.substring(colon + 1).strip());
                }
                fields.put("cmdline", new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline")),
                        StandardCharsets.UTF_8).replace('\0', ' ').strip());
                status.put(pid, fields);
            } catch (IOException gone) {
                // exited meanwhile
            }
        }
        List<String> out = new ArrayList<>();
        for (Map<String, String> f : status.values()) {
            String inner = last(f.get("NSpid"));
            if (inner.equals("1")) continue;
            Map<String, String> parent = status.get(Long.parseLong(f.get("PPid")));
            String ppid = parent == null ? "?" : last(parent.get("NSpid"));
            out.add(inner + " " + ppid + " " + last(f.get("NSpgid")) + " " + last(f.get("NSsid")) + " " + f.get("cmdline"));
        }
        out.sort(null);
        return out;
    }

    private static String last(String ids) {
        String[] parts = ids.split("\\s+");
        return parts[parts.length - 1];
    }
}
