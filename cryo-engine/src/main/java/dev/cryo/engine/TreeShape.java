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
     * restorer's (as for a single process). In a group ({@code init} > 0), an orphan adopted by init may be
     * in init's session, lead its own, or be in one whose leader has exited (a daemon's double fork: a
     * transient stub re-creates that session), but not in one led by another process of the tree.
     */
    static void check(int root, int init, TreeFreezer.FrozenTree tree) throws IOException {
        Map<Integer, ProcStat> stats = new HashMap<>();
        for (FrozenProcess p : tree.processes()) stats.put(p.pid(), StatParser.read(p.pid()));
        for (ProcStat z : tree.zombies()) stats.put(z.pid(), z);
        for (ProcStat p : stats.values()) {
            if (p.pid() == root) continue;
            ProcStat parent = stats.get(p.ppid());
            if (parent == null) {
                // only an orphan adopted by the group's init has its parent outside a frozen tree
                if (init <= 0 || p.ppid() != init) continue;
                if (p.session() != p.pid() && stats.containsKey(p.session())) {
                    throw new UnsupportedResourceException(p.pid(), "session " + p.session() + " (an orphan adopted by"
                            + " the group's init)", "an orphan in a session led by another process of the group is not"
                            + " supported yet");
                }
                continue;
            }
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
     * processes whose parent is its init, PID 1, other than the root) are created by init; one in a
     * session or group whose leader has exited is created by a transient stub (x) with the leader's PID,
     * which calls setsid or setpgid and exits, leaving it to init, as the double fork of a daemon did.
     */
    static List<String> stubSpec(List<ProcessEntry> processes) {
        Set<Integer> pids = processes.stream().map(ProcessEntry::pid).collect(Collectors.toSet());
        int root = processes.getFirst().pid();
        List<String> spec = new ArrayList<>();
        Map<Integer, String> transients = new LinkedHashMap<>();
        for (ProcessEntry p : processes) {
            String flags = p.sid() == p.pid() ? "s" : p.pgid() == p.pid() ? "g" : "";
            if (p.zombie()) flags += "z";
            int parent = p.pid() == root ? 0 : pids.contains(p.ppid()) ? p.ppid() : orphanCreator(p, pids, transients);
            spec.add(p.pid() + ":" + parent + ":" + (flags.isEmpty() ? "-" : flags) + (p.zombie() ? ":" + p.exitStatus() : ""));
        }
        spec.addAll(transients.values());
        return spec;
    }

    /** Whether the tree has orphans adopted by its group's init (they can only be restored under an init). */
    static boolean hasOrphans(List<ProcessEntry> processes) {
        Set<Integer> pids = processes.stream().map(ProcessEntry::pid).collect(Collectors.toSet());
        return processes.stream().skip(1).anyMatch(p -> !pids.contains(p.ppid()));
    }

    /**
     * Who creates orphan {@code p} (ids inside the group's namespace): init (1) when it leads its session or
     * is in init's (0: led from outside); else a transient stub with the exited session leader's PID, and
     * under that (or init) another for an exited group leader. A group led by a process of the tree is
     * joined later ({@link #joinsGroup}).
     */
    private static int orphanCreator(ProcessEntry p, Set<Integer> pids, Map<Integer, String> transients) {
        if (p.sid() == p.pid()) return INIT;
        int creator = INIT;
        if (p.sid() != 0) {
            creator = p.sid();
            transients.putIfAbsent(creator, creator + ":" + INIT + ":sx");
        }
        if (p.pgid() != p.pid() && p.pgid() != p.sid() && p.pgid() != 0 && !pids.contains(p.pgid())) {
            int leader = p.pgid();
            transients.putIfAbsent(leader, leader + ":" + creator + ":gx");
            creator = leader;
        }
        return creator;
    }

    /** PID 1 of a group's namespace: its init, cryo-helper, not part of the checkpoint. */
    private static final int INIT = 1;

    /** Whether the restore must move {@code p} into its group (one led by another process of the tree). */
    static boolean joinsGroup(ProcessEntry p, Set<Integer> pids) {
        return !p.zombie() && p.pgid() != p.pid() && p.sid() != p.pid() && pids.contains(p.pgid());
    }
}
