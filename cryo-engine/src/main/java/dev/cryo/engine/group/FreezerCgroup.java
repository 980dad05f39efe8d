package dev.cryo.engine.group;

import dev.cryo.engine.EngineException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The freezer cgroup of an application group: every process the group starts lands in it, and the
 * kernel can stop them all at one instant (the barrier before they are seized). cgroup v1's freezer
 * hierarchy where the machine has one (/sys/fs/cgroup/freezer/cryo/NAME, freezer.state), else the v2
 * unified hierarchy (/sys/fs/cgroup/cryo/NAME, cgroup.freeze); a registry other than the default one
 * ($CRYO_RUN_DIR) keeps its groups one level down, in a directory of its own. No other controller is touched.
 */
public final class FreezerCgroup {
    private static final Path V1 = Path.of("/sys/fs/cgroup/freezer");
    private static final Path V2 = Path.of("/sys/fs/cgroup");
    private static final long FREEZE_TIMEOUT_MILLIS = 10_000;

    private final Path dir;
    private final boolean v1;

    private FreezerCgroup(Path dir, boolean v1) {
        this.dir = dir;
        this.v1 = v1;
    }

    /** The group's cgroup (not created). */
    public static FreezerCgroup of(String name) throws EngineException {
        String scope = GroupRegistry.cgroupScope();
        if (Files.exists(V1.resolve("freezer.state")) || Files.exists(V1.resolve("cgroup.procs"))) {
            return new FreezerCgroup(V1.resolve("cryo").resolve(scope).resolve(name), true);
        }
        if (Files.exists(V2.resolve("cgroup.controllers"))) {
            return new FreezerCgroup(V2.resolve("cryo").resolve(scope).resolve(name), false);
        }
        throw new EngineException("run: no cgroup freezer on this machine (neither a v1 freezer hierarchy nor cgroup v2)");
    }

    public FreezerCgroup create() throws IOException {
        Files.createDirectories(dir);
        return this;
    }

    public Path directory() {
        return dir;
    }

    /** The file a process writes its PID into to join. */
    public Path procsFile() {
        return dir.resolve("cgroup.procs");
    }

    /** Every process in the cgroup now. */
    public List<Integer> pids() throws IOException {
        List<Integer> out = new ArrayList<>();
        if (!Files.exists(procsFile())) return out;
        for (String l : Files.readAllLines(procsFile())) if (!l.isBlank()) out.add(Integer.parseInt(l.strip()));
        return out;
    }

    /** Stops every task of the cgroup, and returns once the kernel says all of them are frozen. */
    public void freeze() throws IOException, InterruptedException {
        if (v1) Files.writeString(dir.resolve("freezer.state"), "FROZEN");
        else Files.writeString(dir.resolve("cgroup.freeze"), "1");
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(FREEZE_TIMEOUT_MILLIS);
        while (!frozen()) {
            if (System.nanoTime() > deadline) {
                thaw();
                throw new IOException("cgroup " + dir + " did not freeze within " + FREEZE_TIMEOUT_MILLIS + " ms");
            }
            Thread.sleep(1);
        }
    }

    public void thaw() throws IOException {
        if (v1) Files.writeString(dir.resolve("freezer.state"), "THAWED");
        else Files.writeString(dir.resolve("cgroup.freeze"), "0");
    }

    private boolean frozen() throws IOException {
        if (v1) return Files.readString(dir.resolve("freezer.state")).strip().equals("FROZEN");
        return Files.readAllLines(dir.resolve("cgroup.events")).contains("frozen 1");
    }

    /** Removes the (empty) cgroup; a cgroup still holding a process stays. */
    public void remove() {
        try {
            Files.deleteIfExists(dir);
            // a private registry's scope directory goes with its last group (rmdir refuses while another is in it)
            if (!dir.getParent().getFileName().toString().equals("cryo")) Files.deleteIfExists(dir.getParent());
        } catch (IOException ignored) {
            // still busy (a process not reaped yet, or another group of the scope): left for a later run to reuse
        }
    }
}
