package dev.cryo.engine.group;

import dev.cryo.engine.EngineException;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The running application groups: one directory per group under /run/cryo/groups (0700; $CRYO_RUN_DIR
 * overrides the parent), holding {@code pids} ("INIT ROOT", written by cryo-helper once the group runs),
 * {@code log} (a detached group's output) and {@code last} (its newest checkpoint id).
 */
public final class GroupRegistry {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");

    private final Path root;

    public GroupRegistry() {
        this.root = runDir().resolve("groups");
    }

    private static Path runDir() {
        String dir = System.getenv("CRYO_RUN_DIR");
        return Path.of(dir != null && !dir.isEmpty() ? dir : "/run/cryo");
    }

    /**
     * Where this registry's groups live among the machine-wide cgroups: "" for the default registry, else a
     * name of its own, so that groups of the same name in two registries (a test's private CRYO_RUN_DIR and
     * the machine's) never share a cgroup, which would freeze or kill each other's processes.
     */
    static String cgroupScope() {
        Path dir = runDir().toAbsolutePath().normalize();
        if (dir.equals(Path.of("/run/cryo"))) return "";
        return "r-" + Integer.toHexString(dir.toString().hashCode());
    }

    /** A group as the registry knows it; {@code initPid} and {@code rootPid} are 0 until it has started. */
    public record Group(String name, Path dir, int initPid, int rootPid) {
        public Path log() {
            return dir.resolve("log");
        }

        public Path pidFile() {
            return dir.resolve("pids");
        }

        /** Alive while its init runs (init exits with the root, taking the namespace with it). */
        public boolean alive() {
            return initPid > 0 && Files.exists(Path.of("/proc/" + initPid))
                    && !isZombie(initPid);
        }
    }

    public static void checkName(String name) throws EngineException {
        if (!NAME.matcher(name).matches()) {
            throw new EngineException("run: '" + name + "' is not a valid group name (letters, digits, '_', '.', '-'; at most 64)");
        }
    }

    public static boolean isName(String s) {
        return NAME.matcher(s).matches() && !s.chars().allMatch(Character::isDigit);
    }

    /** A new entry for {@code name}; refused while a group of that name runs (a dead one is replaced). */
    public Group create(String name) throws IOException, EngineException {
        checkName(name);
        Group existing = find(name);
        if (existing != null && existing.alive()) {
            throw new EngineException("run: a group named " + name + " is already running (root PID " + existing.rootPid() + ")");
        }
        Files.createDirectories(root, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path dir = root.resolve(name);
        if (existing != null) {
            // a group coming back (restore NAME): its log goes on, its old PIDs go
            Files.deleteIfExists(existing.pidFile());
        } else {
            Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
        return new Group(name, dir, 0, 0);
    }

    /** Records that the group runs with these PIDs (as seen from cryo's namespace). */
    public Group started(Group g, int initPid, int rootPid) throws IOException {
        Path tmp = g.dir().resolve("pids.tmp");
        Files.writeString(tmp, initPid + " " + rootPid + "\n");
        Files.move(tmp, g.pidFile(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        return new Group(g.name(), g.dir(), initPid, rootPid);
    }

    /** The group named {@code name}, or null. */
    public Group find(String name) throws IOException {
        Path dir = root.resolve(name);
        if (!Files.isDirectory(dir)) return null;
        int init = 0, rootPid = 0;
        try {
            String[] f = Files.readString(dir.resolve("pids")).strip().split("\\s+");
            init = Integer.parseInt(f[0]);
            rootPid = Integer.parseInt(f[1]);
        } catch (NoSuchFileException | NumberFormatException | ArrayIndexOutOfBoundsException notYet) {
            // starting, or its helper failed before it could say
        }
        return new Group(name, dir, init, rootPid);
    }

    /** Every registered group, by name. */
    public List<Group> list() throws IOException {
        List<Group> out = new ArrayList<>();
        if (!Files.isDirectory(root)) return out;
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(root)) {
            for (Path p : ds) {
                Group g = find(p.getFileName().toString());
                if (g != null) out.add(g);
            }
        }
        out.sort((a, b) -> a.name().compareTo(b.name()));
        return out;
    }

    public void setLastCheckpoint(Group g, String id) throws IOException {
        Files.writeString(g.dir().resolve("last"), id + "\n");
    }

    public String lastCheckpoint(Group g) {
        try {
            return Files.readString(g.dir().resolve("last")).strip();
        } catch (IOException none) {
            return "";
        }
    }

    private static boolean isZombie(int pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            return stat.charAt(stat.lastIndexOf(')') + 2) == 'Z';
        } catch (IOException | StringIndexOutOfBoundsException e) {
            return true;
        }
    }
}
