package dev.cryo.engine.freeze;

import dev.cryo.engine.EngineException;
import dev.cryo.linux.ptrace.Ptrace;
import dev.cryo.linux.proc.ProcStat;
import dev.cryo.linux.proc.StatParser;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Stops a whole process tree as one barrier: every thread of every process is seized and interrupted
 * (with TRACEFORK, so a child forked while we work is attached by the kernel and stops too), the
 * children of every stopped process are listed and frozen in turn, until a pass finds nothing new.
 * Zombies are not seized (they cannot run); they are recorded with their exit status. Runs on the
 * tree's {@link Tracer} thread.
 */
public final class TreeFreezer {
    private final int root;
    private final Set<Integer> forked = new HashSet<>();
    /** Parents before children (discovery order). */
    private final Map<Integer, ProcessFreezer> freezers = new LinkedHashMap<>();
    private final Map<Integer, FrozenProcess> frozen = new LinkedHashMap<>();

    public TreeFreezer(int root) {
        this.root = root;
    }

    /** A tree stopped in place: its live processes (parents first) and its zombies. */
    public record FrozenTree(List<FrozenProcess> processes, List<ProcStat> zombies) {}

    public FrozenTree freeze() throws EngineException, IOException {
        return freeze(List.of());
    }

    /**
     * The same, with more trees: {@code orphans} are the tops of the trees a group's init adopted (already
     * attached by {@link #attachFrozen}); they and their descendants follow the root's tree.
     */
    public FrozenTree freeze(List<Integer> orphans) throws EngineException, IOException {
        List<ProcStat> zombies = new ArrayList<>();
        Set<Integer> known = new HashSet<>();
        List<Integer> pending = new ArrayList<>(List.of(root));
        known.add(root);
        for (int o : orphans) if (known.add(o)) pending.add(o);
        for (int round = 0; !pending.isEmpty(); round++) {
            if (round > 1000) throw new EngineException("checkpoint: pid " + root + ": processes keep appearing");
            int pid = pending.removeFirst();
            ProcessFreezer f = new ProcessFreezer(pid, forked);
            freezers.put(pid, f);
            try {
                frozen.put(pid, f.freeze());
            } catch (EngineException | IOException e) {
                // a child that died since it was listed: a zombie is part of the tree, a reaped one is not
                ProcStat st = statOrNull(pid);
                if (pid == root || st != null && !st.isDead()) throw e;
                f.thaw(null);
                freezers.remove(pid);
                if (st != null) zombies.add(st);
                continue;
            }
            for (int child : children(pid)) {
                if (!known.add(child)) continue;
                ProcStat st = statOrNull(child);
                if (st == null) continue; // gone already
                if (st.isDead() && !forked.contains(child)) zombies.add(st);
                else pending.add(child);
            }
        }
        return new FrozenTree(List.copyOf(frozen.values()), List.copyOf(zombies));
    }

    /**
     * Seizes and interrupts every thread of {@code pids} (stopped by a cgroup freezer: they enter the
     * interrupt stop once thawed, before running any code); {@link #freeze} then only waits for them.
     */
    public void attachFrozen(List<Integer> pids) throws IOException {
        for (int pid : pids) {
            try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/" + pid + "/task"))) {
                for (Path t : tasks) {
                    int tid = Integer.parseInt(t.getFileName().toString());
                    try {
                        Ptrace.seize(tid, ProcessFreezer.OPTIONS);
                    } catch (IOException e) {
                        ProcStat st = statOrNull(pid);
                        if (st == null || st.isDead()) continue; // a zombie: recorded when its parent is walked
                        throw e;
                    }
                    forked.add(tid);
                    Ptrace.interrupt(tid);
                }
            } catch (NoSuchFileException gone) {
                // a zombie reaped meanwhile
            }
        }
    }

    /** Lets every process go, each thread with the registers it had when it was stopped. */
    public void thaw() {
        for (var e : freezers.entrySet()) e.getValue().thaw(frozen.get(e.getKey()));
        for (int pid : forked) {
            try {
                Ptrace.detach(pid, 0);
            } catch (IOException ignored) {
                // gone, or stops for its first report later: it is detached when we exit
            }
        }
        freezers.clear();
    }

    /** {@code root} and every process under it now (it runs: the answer may be stale at once). */
    public static List<Integer> descendants(int root) throws IOException {
        List<Integer> out = new ArrayList<>(List.of(root));
        for (int i = 0; i < out.size(); i++) {
            for (int c : children(out.get(i))) if (!out.contains(c)) out.add(c);
        }
        return out;
    }

    /** Children of every thread of a stopped process (a child belongs to the thread that forked it). */
    static List<Integer> children(int pid) throws IOException {
        List<Integer> out = new ArrayList<>();
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/" + pid + "/task"))) {
            for (Path t : tasks) {
                String s;
                try {
                    s = Files.readString(t.resolve("children")).strip();
                } catch (NoSuchFileException gone) {
                    continue;
                }
                if (s.isEmpty()) continue;
                for (String c : s.split("\\s+")) out.add(Integer.parseInt(c));
            }
        } catch (NoSuchFileException e) {
            return out;
        }
        out.sort(null);
        return out;
    }

    private static ProcStat statOrNull(int pid) {
        try {
            return StatParser.read(pid);
        } catch (IOException e) {
            return null;
        }
    }
}
