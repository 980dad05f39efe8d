package dev.cryo.engine;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A cgroup v1 cpu group in which background work weighs against every other group what a thread of its nice
 * value weighs against a nice-0 thread (/sys/fs/cgroup/cpu/cryo-background-nice10, cpu.shares 110 of 1024).
 *
 * <p>Why nice alone is not enough: with autogroups (the default on most distributions) or cpu cgroups, the
 * scheduler first shares a CPU between groups (every session is one autogroup) and only then between the
 * threads of a group by nice. A store thread at nice 19 in cryo's session therefore took half of the core of
 * an application in another session, as much as a nice-0 thread would, whenever cryo had no other runnable
 * thread there (measured: a memory-bound process lost ~7 points of CPU share to the write after each
 * checkpoint, waiting on its run queue while cryo's threads ran). In a group of its own with the nice value's
 * weight the write takes what the nice value says, against every application, in any session.
 *
 * <p>cgroup v1 moves single threads ({@code tasks}, writing 0 moves the caller), and threads started later by a
 * moved thread are born in the group too; v2 moves threads only within threaded subtrees, so there (and without
 * a cpu hierarchy, or without the right to write it) nothing is done: {@link #join} returns null.
 */
final class BackgroundCpuGroup {
    private static final Path CPU = Path.of("/sys/fs/cgroup/cpu");
    // the kernel's weights of nice 0..19 (sched_prio_to_weight), which cpu.shares is measured in
    private static final int[] WEIGHT = {1024, 820, 655, 526, 423, 335, 272, 215, 172, 137, 110, 87, 70, 56, 45,
            36, 29, 23, 18, 15};

    private final Path home;

    private BackgroundCpuGroup(Path home) {
        this.home = home;
    }

    /** Moves the calling thread into the group of nice value {@code nice} (1..19); null where that cannot be done. */
    static BackgroundCpuGroup join(int nice) {
        try {
            if (nice < 1 || nice > 19 || !Files.exists(CPU.resolve("cpu.shares"))) return null;
            Path home = ownCpuGroup();
            if (home == null) return null;
            Path group = CPU.resolve("cryo-background-nice" + nice);
            try {
                Files.createDirectory(group);
            } catch (FileAlreadyExistsException made) {
                // by an earlier checkpoint, or another cryo
            }
            Path shares = group.resolve("cpu.shares");
            String weight = Integer.toString(WEIGHT[nice]);
            if (!Files.readString(shares).strip().equals(weight)) Files.writeString(shares, weight);
            Files.writeString(group.resolve("tasks"), "0");
            return new BackgroundCpuGroup(home);
        } catch (IOException | RuntimeException refused) {
            return null; // best effort: the checkpoint is the same, only its share of the CPU differs
        }
    }

    /** Moves the calling thread back to the cpu group it was in. */
    void leave() {
        try {
            Files.writeString(home.resolve("tasks"), "0");
        } catch (IOException gone) {
            // its group went away meanwhile: the thread stays in the background group, slower later work
        }
    }

    /** The calling thread's group in the cpu hierarchy, from /proc/thread-self/cgroup ("3:cpu,cpuacct:/path"). */
    private static Path ownCpuGroup() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/thread-self/cgroup"))) {
            String[] f = line.split(":", 3);
            if (f.length < 3) continue;
            for (String c : f[1].split(",")) {
                if (c.equals("cpu")) return CPU.resolve(f[2].substring(1));
            }
        }
        return null;
    }
}
