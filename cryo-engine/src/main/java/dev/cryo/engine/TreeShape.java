package dev.cryo.engine;

import dev.cryo.engine.freeze.FrozenProcess;
import dev.cryo.engine.freeze.TreeFreezer;
import dev.cryo.image.task.ProcessEntry;
import dev.cryo.linux.proc.ProcStat;
import dev.cryo.linux.proc.StatParser;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
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
     * restorer's (as for a single process).
     */
    static void check(int root, TreeFreezer.FrozenTree tree) throws IOException {
        Map<Integer, ProcStat> stats = new HashMap<>();
        for (FrozenProcess p : tree.processes()) stats.put(p.pid(), StatParser.read(p.pid()));
        for (ProcStat z : tree.zombies()) stats.put(z.pid(), z);
        for (ProcStat p : stats.values()) {
            if (p.pid() == root) continue;
            ProcStat parent = stats.get(p.ppid());
            if (parent == null) continue; // cannot happen in a frozen tree: children are found through parents
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
     * (parents first): s = setsid, g = setpgid(0, 0), z = a zombie exiting with STATUS.
     */
    static List<String> stubSpec(List<ProcessEntry> processes) {
        Set<Integer> pids = processes.stream().map(ProcessEntry::pid).collect(Collectors.toSet());
        List<String> spec = new ArrayList<>();
        for (ProcessEntry p : processes) {
            String flags = p.sid() == p.pid() ? "s" : p.pgid() == p.pid() ? "g" : "";
            if (p.zombie()) flags += "z";
            int parent = pids.contains(p.ppid()) ? p.ppid() : 0;
            spec.add(p.pid() + ":" + parent + ":" + (flags.isEmpty() ? "-" : flags) + (p.zombie() ? ":" + p.exitStatus() : ""));
        }
        return spec;
    }

    /** Whether the restore must move {@code p} into its group (one led by another process of the tree). */
    static boolean joinsGroup(ProcessEntry p, Set<Integer> pids) {
        return !p.zombie() && p.pgid() != p.pid() && p.sid() != p.pid() && pids.contains(p.pgid());
    }
}
