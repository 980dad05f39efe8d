package dev.cryo.engine.restore;

import dev.cryo.engine.EngineException;
import dev.cryo.linux.proc.ProcStat;
import dev.cryo.linux.proc.StatParser;
import dev.cryo.linux.proc.StatusParser;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The process a restore reshapes: started by {@code cryo-helper stub} with exactly the recorded PID
 * (clone3 set_tid), stopped before it runs any code of its own. Without --detach the helper stays its
 * parent and reports its exit status.
 */
public final class Stub {
    private static final int PID_IN_USE = 3;
    /** PID 1 here takes about 1.5 s to reap orphans: wait that long, and then some, for a zombie to go. */
    private static final long PID_WAIT_MILLIS = 5_000;

    private final Process helper;
    private final int pid;
    /** Whether the tree has an init of its own (a new PID namespace), which may have orphans as children. */
    private final boolean underInit;
    /** Every stub found so far: recorded PID -> PID in our namespace (see {@link #awaitTree}). */
    private final Map<Integer, Integer> outer = new LinkedHashMap<>();

    private Stub(Process helper, int pid, boolean underInit) {
        this.helper = helper;
        this.pid = pid;
        this.underInit = underInit;
    }

    public int pid() {
        return pid;
    }

    /**
     * Starts the tree of stubs described by {@code spec} (cryo-helper's {@code --tree} entries, root first),
     * in our PID namespace, or with {@code newNamespace} in a new one whose init cryo-helper creates
     * (there no recorded PID can collide with one in use here). Our own namespace must have every PID
     * free: see {@link #takenPid}.
     */
    public static Stub launch(Path helperBinary, List<String> spec, boolean detach, boolean newNamespace)
            throws EngineException, IOException, InterruptedException {
        return launch(helperBinary, spec, detach, newNamespace, null);
    }

    /** The same, the tree's init joining the cgroup whose cgroup.procs is {@code cgroupProcs} first. */
    public static Stub launch(Path helperBinary, List<String> spec, boolean detach, boolean newNamespace,
                              Path cgroupProcs) throws EngineException, IOException, InterruptedException {
        int rootPid = Integer.parseInt(spec.getFirst().substring(0, spec.getFirst().indexOf(':')));
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(PID_WAIT_MILLIS);
        boolean seenLeftover = false;
        for (;;) {
            List<String> cmd = new ArrayList<>(List.of(helperBinary.toString(), "stub"));
            if (newNamespace) cmd.add("--newns");
            // a group comes back in an IPC namespace of its own, as it ran (its SysV objects are re-created there)
            if (cgroupProcs != null) cmd.addAll(List.of("--cgroup", cgroupProcs.toString(), "--newipc"));
            if (detach) cmd.add("--detach");
            cmd.add("--tree");
            cmd.addAll(spec);
            Process p = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .redirectError(ProcessBuilder.Redirect.PIPE).start();
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            String line = out.readLine();
            if (line != null) {
                return new Stub(p, Integer.parseInt(line.strip()), newNamespace);
            }
            int code = p.waitFor();
            String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (code != PID_IN_USE) throw new IOException("cryo-helper stub failed (exit " + code + "): " + err);
            String holder = holder(rootPid);
            if (holder != null && leftoverStub(helperBinary, rootPid)) {
                // ended (or soon ended, once old enough): wait for it as for a zombie
                if (!seenLeftover) deadline += TimeUnit.MILLISECONDS.toNanos(LEFTOVER_AGE_MILLIS);
                seenLeftover = true;
                holder = null;
            }
            if (holder != null || System.nanoTime() > deadline) {
                throw new PidInUseException(rootPid, holder);
            }
            Thread.sleep(20); // a zombie is being reaped: poll until the PID is free
        }
    }

    /**
     * The first of {@code pids} a live process holds in our namespace, after waiting (bounded) for
     * zombies holding any of them to be reaped, and for stubs left behind by a killed restore (see
     * {@link #leftoverStub}) to be ended and reaped; -1 when all are free.
     */
    public static int takenPid(Path helperBinary, List<Integer> pids) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(PID_WAIT_MILLIS);
        boolean seenLeftover = false;
        for (;;) {
            boolean pending = false;
            for (int pid : pids) {
                if (holder(pid) != null) {
                    // a leftover stub is not a reason to give up the PID (and fall back to a new namespace):
                    // it is ended once old enough, and then waited for as a zombie
                    if (!leftoverStub(helperBinary, pid)) return pid;
                    if (!seenLeftover) deadline += TimeUnit.MILLISECONDS.toNanos(LEFTOVER_AGE_MILLIS);
                    seenLeftover = true;
                    pending = true;
                } else if (Files.exists(Path.of("/proc/" + pid))) {
                    pending = true;
                }
            }
            if (!pending) return -1;
            if (System.nanoTime() > deadline) {
                for (int pid : pids) if (holder(pid) != null) return pid;
                return -1;
            }
            Thread.sleep(20);
        }
    }

    /** Who holds a PID in our namespace: null when it is free or only a zombie about to be reaped. */
    public static String holderOf(int pid) {
        return holder(pid);
    }

    /** Who holds a PID, or null when it is free or only a zombie about to be reaped. */
    private static String holder(int pid) {
        try {
            ProcStat st = StatParser.read(pid);
            return st.isDead() ? null : "pid " + pid + " is " + st.comm();
        } catch (IOException gone) {
            return null;
        }
    }

    /** Stubs younger than this may be about to be seized by a restore that is running. */
    private static final long LEFTOVER_AGE_MILLIS = 3_000;
    /** /proc's clock ticks (USER_HZ): 100 on every Linux ABI. */
    private static final long USER_HZ = 100;

    /**
     * True if {@code pid} is a stub left behind by a restore whose cryo died before it seized it (after that,
     * the stub has PTRACE_O_EXITKILL and dies with its tracer); it is ended once it is old enough. Such a stub
     * has stopped itself before running anything of the checkpointed program, nobody traces it, and it would
     * hold the PID forever. Recognised by all of that: stopped, untraced, cryo-helper's own binary run as a
     * stub; and ended only when older than any live restore's stub can be before it is seized.
     */
    private static boolean leftoverStub(Path helperBinary, int pid) {
        try {
            ProcStat st = StatParser.read(pid);
            if (st.state() != 'T' || StatusParser.read(pid).tracerPid() != 0) return false;
            if (!Files.isSameFile(Path.of("/proc/" + pid + "/exe"), helperBinary)) return false;
            if (!Files.readString(Path.of("/proc/" + pid + "/cmdline")).contains("\0stub\0")) return false;
            double uptime = Double.parseDouble(Files.readString(Path.of("/proc/uptime")).split(" ")[0]);
            if (uptime * 1000 - st.starttime() * 1000 / USER_HZ >= LEFTOVER_AGE_MILLIS) {
                dev.cryo.linux.process.Signals.kill(pid, dev.cryo.linux.process.Signals.SIGKILL);
            }
            return true;
        } catch (IOException | RuntimeException gone) {
            return false;
        }
    }

    /** The restored root's exit code (128+signal if killed); only when not detached. */
    public int awaitExit() throws InterruptedException {
        return helper.waitFor();
    }

    /** Ends the stubs of a restore that failed (every one found so far, and the root). */
    public void kill() {
        Set<Integer> all = new LinkedHashSet<>(outer.values());
        all.add(pid);
        for (int p : all) {
            try {
                dev.cryo.linux.process.Signals.kill(p, dev.cryo.linux.process.Signals.SIGKILL);
            } catch (IOException ignored) {
                // already gone
            }
        }
        helper.destroyForcibly();
    }

    /**
     * Waits, bounded, until every stub of the tree exists and has stopped itself (state T; a zombie's stub
     * has exited, state Z), and returns each one's PID as seen from our namespace, keyed by its recorded
     * PID (the same unless in a new PID namespace: there each is found through its parent's children).
     */
    public Map<Integer, Integer> awaitTree(Map<Integer, Boolean> zombieByPid)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        for (;;) {
            outer.clear();
            boolean ready = underInit ? walkInit(zombieByPid) : walk(pid, zombieByPid);
            if (ready && outer.size() == zombieByPid.size()) return Map.copyOf(outer);
            if (System.nanoTime() > deadline) {
                throw new IOException("the restore stubs did not all stop within 5 s (found " + outer.keySet()
                        + " of " + zombieByPid.keySet() + ")");
            }
            Thread.sleep(1);
        }
    }

    /**
     * Walks every child of the namespace's init: the root and the orphans it adopts; false while a
     * transient stub (not in the tree) has not exited and been reaped, its children not yet adopted.
     */
    private boolean walkInit(Map<Integer, Boolean> zombieByPid) throws IOException {
        int init;
        try {
            init = StatParser.read(pid).ppid();
        } catch (IOException gone) {
            return false;
        }
        boolean ready = true;
        for (int child : childrenOf(init)) ready &= walk(child, zombieByPid);
        return ready;
    }

    private static List<Integer> childrenOf(int pid) {
        String children;
        try {
            children = Files.readString(Path.of("/proc/" + pid + "/task/" + pid + "/children")).strip();
        } catch (IOException gone) {
            return List.of();
        }
        List<Integer> out = new ArrayList<>();
        if (!children.isEmpty()) for (String c : children.split("\\s+")) out.add(Integer.parseInt(c));
        return out;
    }

    /** Records {@code at} and its descendants; false when one is not in its final state yet. */
    private boolean walk(int at, Map<Integer, Boolean> zombieByPid) throws IOException {
        ProcStat st;
        int inner;
        try {
            st = StatParser.read(at);
            inner = dev.cryo.linux.proc.StatusParser.read(at).nsPid().getLast();
        } catch (IOException gone) {
            return false;
        }
        Boolean zombie = zombieByPid.get(inner);
        if (zombie == null) return false; // a transient stub (see TreeShape.stubSpec) that has not exited yet
        outer.put(inner, at);
        if (zombie) return st.state() == 'Z';
        if (st.isDead()) throw new IOException("the restore stub for pid " + inner + " died");
        if (st.state() != 'T') return false;
        boolean ready = true;
        for (int child : childrenOf(at)) ready &= walk(child, zombieByPid);
        return ready;
    }
}
