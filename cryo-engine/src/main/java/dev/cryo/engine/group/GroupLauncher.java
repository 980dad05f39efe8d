package dev.cryo.engine.group;

import dev.cryo.engine.EngineException;
import dev.cryo.engine.HelperBinary;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Starts a group: cryo-helper joins the group's cgroup, creates its PID namespace and init, and runs
 * CMD as the root; the registry learns the PIDs from the helper's pid file.
 */
public final class GroupLauncher {
    private static final long START_TIMEOUT_SECONDS = 10;

    private final GroupRegistry registry;

    public GroupLauncher(GroupRegistry registry) {
        this.registry = registry;
    }

    /** A started group and its helper: in the foreground the helper exits with CMD's status. */
    public record Started(GroupRegistry.Group group, Process helper) {}

    /**
     * Starts {@code command} as group {@code name}: in the foreground with our stdio, or detached with its
     * output appended to the group's log. Returns once CMD runs (its PIDs are registered).
     */
    public Started start(String name, List<String> command, boolean detach)
            throws EngineException, IOException, InterruptedException {
        GroupRegistry.Group g = registry.create(name);
        FreezerCgroup cgroup = FreezerCgroup.of(name).create();
        List<String> cmd = new ArrayList<>(List.of(HelperBinary.path("run").toString(), "run", "--pidfile",
                g.pidFile().toString(), "--cgroup", cgroup.procsFile().toString(), "--newipc"));
        if (detach) cmd.add("--detach");
        cmd.add("--");
        cmd.addAll(command);
        ProcessBuilder pb = new ProcessBuilder(cmd);
        if (detach) {
            if (!Files.exists(g.log())) {
                Files.createFile(g.log(), java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                        java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
            }
            pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(g.log().toFile()))
                    .redirectError(ProcessBuilder.Redirect.appendTo(g.log().toFile()));
        } else {
            pb.inheritIO();
        }
        Process helper = pb.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(START_TIMEOUT_SECONDS);
        for (;;) {
            GroupRegistry.Group now = registry.find(name);
            if (now != null && now.rootPid() > 0) {
                if (detach && helper.waitFor(START_TIMEOUT_SECONDS, TimeUnit.SECONDS) && helper.exitValue() != 0) {
                    throw new EngineException("run: " + command.getFirst() + ": cryo-helper failed (exit "
                            + helper.exitValue() + "), see `cryo logs " + name + "`");
                }
                return new Started(now, helper);
            }
            if (!helper.isAlive()) {
                // a detached helper writes the PIDs and exits 0: it may have done both since we looked
                GroupRegistry.Group last = registry.find(name);
                if (last != null && last.rootPid() > 0 && helper.exitValue() == 0) return new Started(last, helper);
                String why = detach ? "; see `cryo logs " + name + "`" : "";
                throw new EngineException("run: " + command.getFirst() + " could not be started (cryo-helper exit "
                        + helper.exitValue() + ")" + why);
            }
            if (System.nanoTime() > deadline) {
                helper.destroyForcibly();
                throw new EngineException("run: " + command.getFirst() + " did not start within " + START_TIMEOUT_SECONDS + " s");
            }
            Thread.sleep(5);
        }
    }
}
