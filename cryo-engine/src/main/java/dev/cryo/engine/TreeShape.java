package dev.cryo.engine;

import dev.cryo.engine.freeze.FrozenProcess;
import dev.cryo.engine.freeze.TreeFreezer;
import dev.cryo.image.task.ProcessEntry;
import dev.cryo.linux.proc.ProcStat;
import dev.cryo.linux.proc.StatParser;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The shape of a process tree: parent links, sessions and process groups, and how a restore rebuilds
 * them. A restore creates every process from its parent (so parent links come for free), makes session
 * leaders call setsid and group leaders setpgid(0, 0) before they create their children, and moves
 * every other process into its group afterwards. What that cannot rebuild is refused at checkpoint.
 */
final class TreeShape {
    private TreeShape() {}

    /**
     * Refuses sessions and groups a restore could not rebuild: a process (not the root) in another session
     * than its parent's without leading it, or in a group whose leader is outside the tree and that is
     * not its parent's group. The root's session and group, when led from outside the tree, become the
     * restorer's (as for a single process). In a group, an orphan adopted by init (its parent is outside
     * the frozen trees) can always be made again: see {@link #stubSpec}.
     */
    static void check(int root, TreeFreezer.FrozenTree tree) throws IOException {
        Map<Integer, ProcStat> stats = new HashMap<>();
        for (FrozenProcess p : tree.processes()) stats.put(p.pid(), StatParser.read(p.pid()));
        for (ProcStat z : tree.zombies()) stats.put(z.pid(), z);
        for (ProcStat p : stats.values()) {
            if (p.pid() == root) continue;
            ProcStat parent = stats.get(p.ppid());
            if (parent == null) continue; // an orphan adopted by the group's init (else children are found through parents)
            if (p.session() != parent.session() && p.session() != p.pid()) {
                throw new UnsupportedResourceException(p.pid(), "session " + p.session()
                        + " (its parent " + parent.pid() + " is in session " + parent.session() + ")",
                        "a process in another session than its parent's that does not lead it is not supported yet");
            }
            if (!stats.containsKey(p.pgrp()) && p.pgrp() != parent.pgrp()) {
                throw new UnsupportedResourceException(p.pid(), "process group " + p.pgrp(),
                        "a process group whose leader is outside the checkpoint is not supported yet");
            }
        }
    }

    /** The processes ordered root first, every parent before its children (breadth first). */
    static List<ProcessEntry> parentsFirst(List<ProcessEntry> processes) {
        Map<Integer, List<ProcessEntry>> byParent = processes.stream()
                .collect(Collectors.groupingBy(ProcessEntry::ppid, HashMap::new, Collectors.toList()));
        Set<Integer> pids = processes.stream().map(ProcessEntry::pid).collect(Collectors.toSet());
        List<ProcessEntry> out = new ArrayList<>();
        for (ProcessEntry p : processes) if (!pids.contains(p.ppid())) out.add(p); // the root
        for (int i = 0; i < out.size(); i++) {
            List<ProcessEntry> kids = new ArrayList<>(byParent.getOrDefault(out.get(i).pid(), List.of()));
            kids.sort((a, b) -> Integer.compare(a.pid(), b.pid()));
            out.addAll(kids);
        }
        return out;
    }

    /**
     * cryo-helper's tree spec, one {@code PID:PARENT:FLAGS[:STATUS]} per process in the image's order
     * (parents first): s = setsid, g = setpgid(0, 0), z = a zombie exiting with STATUS. Orphans (a group's
     * processes whose parent is its init, PID 1, other than the root) are created by init, or by a transient
     * stub (x) that exits once it has created them, leaving them to init, as a daemon's double fork did:
     * one with the PID of their session's or group's leader when that has exited (it calls setsid or
     * setpgid first), or one with a PID no id of the tree uses, created by their session's leader when
     * that is a process of the tree (which reaps it).
     */
    static List<String> stubSpec(List<ProcessEntry> processes) {
        Set<Integer> pids = processes.stream().map(ProcessEntry::pid).collect(Collectors.toSet());
        int root = processes.getFirst().pid();
        List<String> spec = new ArrayList<>();
        Transients transients = new Transients(processes);
        for (ProcessEntry p : processes) {
            String flags = p.sid() == p.pid() ? "s" : p.pgid() == p.pid() ? "g" : "";
            if (p.zombie()) flags += "z";
            int parent = p.pid() == root ? 0 : pids.contains(p.ppid()) ? p.ppid() : orphanCreator(p, pids, transients);
            spec.add(p.pid() + ":" + parent + ":" + (flags.isEmpty() ? "-" : flags) + (p.zombie() ? ":" + p.exitStatus() : ""));
        }
        spec.addAll(transients.entries.values());
        return spec;
    }

    /** Whether the tree has orphans adopted by its group's init (they can only be restored under an init). */
    static boolean hasOrphans(List<ProcessEntry> processes) {
        Set<Integer> pids = processes.stream().map(ProcessEntry::pid).collect(Collectors.toSet());
        return processes.stream().skip(1).anyMatch(p -> !pids.contains(p.ppid()));
    }

    /**
     * Who creates orphan {@code p} (ids inside the group's namespace): init (1) when it leads its session or
     * is in init's (0: led from outside); a transient stub with the exited session leader's PID; or one
     * created by the session's leader when that is in the tree. Under that (or init) another for an
     * exited group leader. A group led by a process of the tree is joined later ({@link #joinsGroup}).
     */
    private static int orphanCreator(ProcessEntry p, Set<Integer> pids, Transients transients) {
        if (p.sid() == p.pid()) return INIT;
        int creator = INIT;
        if (pids.contains(p.sid())) {
            creator = transients.under(p.sid());
        } else if (p.sid() != 0) {
            creator = p.sid();
            transients.entries.putIfAbsent(creator, creator + ":" + INIT + ":sx");
        }
        // the creator's group: its session's (a session leader's group is its session), or init's
        if (p.pgid() != p.pid() && p.pgid() != p.sid() && p.pgid() != 0 && !pids.contains(p.pgid())) {
            int leader = p.pgid();
            transients.entries.putIfAbsent(leader, leader + ":" + creator + ":gx");
            creator = leader;
        }
        return creator;
    }

    /** The transient stubs of a tree spec, by PID, and the PIDs they get when no leader's PID is theirs. */
    private static final class Transients {
        final Map<Integer, String> entries = new LinkedHashMap<>();
        private final Map<Integer, Integer> underLeader = new HashMap<>();
        private int next;

        Transients(List<ProcessEntry> processes) {
            for (ProcessEntry p : processes) next = Math.max(next, Math.max(p.pid(), Math.max(p.pgid(), p.sid())));
        }

        /** One transient stub created by (and in the session of) {@code leader}, with a PID of its own. */
        int under(int leader) {
            return underLeader.computeIfAbsent(leader, l -> {
                int pid = ++next; // above every id of the tree and every leader's PID taken by a transient
                while (entries.containsKey(pid)) pid = ++next;
                entries.put(pid, pid + ":" + l + ":x");
                return pid;
            });
        }
    }

    /** PID 1 of a group's namespace: its init, cryo-helper, not part of the checkpoint. */
    private static final int INIT = 1;

    /** Whether the restore must move {@code p} into its group (one led by another process of the tree). */
    static boolean joinsGroup(ProcessEntry p, Set<Integer> pids) {
        return !p.zombie() && p.pgid() != p.pid() && p.sid() != p.pid() && pids.contains(p.pgid());
    }
}
