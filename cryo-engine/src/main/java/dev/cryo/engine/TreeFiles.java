package dev.cryo.engine;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The descriptor tables of every process of a frozen tree, read once: which processes hold the same
 * kernel object (a pipe's inode shows in its link target, "pipe:[123]"), so that an object with holders
 * in several processes is dumped once and restored once, shared.
 */
public final class TreeFiles {
    private static final int O_ACCMODE = 3;

    /** One descriptor: the process (in tree order), its number, its O_* flags. */
    public record Holder(int pid, int fd, int flags) {
        public int access() {
            return flags & O_ACCMODE;
        }
    }

    private final Map<String, List<Holder>> byTarget = new HashMap<>();
    private int processes;

    private TreeFiles() {}

    /** Reads the tables of {@code pids}, which must all be stopped, in tree order (parents first). */
    public static TreeFiles read(List<Integer> pids) throws IOException {
        TreeFiles t = new TreeFiles();
        t.processes = pids.size();
        for (int pid : pids) {
            try (DirectoryStream<Path> dir = Files.newDirectoryStream(Path.of("/proc/" + pid + "/fd"))) {
                List<Path> fds = new ArrayList<>();
                dir.forEach(fds::add);
                fds.sort((a, b) -> Integer.compare(fdNumber(a), fdNumber(b)));
                for (Path p : fds) {
                    String target;
                    int flags;
                    try {
                        target = Files.readSymbolicLink(p).toString();
                        flags = readFlags(pid, fdNumber(p));
                    } catch (NoSuchFileException closed) {
                        continue;
                    }
                    t.byTarget.computeIfAbsent(target, k -> new ArrayList<>()).add(new Holder(pid, fdNumber(p), flags));
                }
            }
        }
        return t;
    }

    /** Every descriptor of the tree that leads to {@code target} (a link target as /proc shows it), tree order. */
    public List<Holder> holders(String target) {
        return byTarget.getOrDefault(target, List.of());
    }

    /**
     * True when the tree is one process: then no object can be shared with another process, and objects
     * such as memfds and shared anonymous memory come back as what they were, not as a shared tmpfs file.
     */
    public boolean singleProcess() {
        return processes == 1;
    }

    private static int fdNumber(Path p) {
        return Integer.parseInt(p.getFileName().toString());
    }

    private static int readFlags(int pid, int fd) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/fdinfo/" + fd))) {
            if (line.startsWith("flags:")) return Integer.parseInt(line.substring(6).strip(), 8);
        }
        return 0;
    }
}
