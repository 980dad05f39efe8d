package dev.cryo.cli;

import dev.cryo.cli.invocation.Invocation;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Where the store is (design.md §1): --store DIR, else $CRYO_STORE, else /var/lib/cryo for root and
 * $XDG_DATA_HOME/cryo (or ~/.local/share/cryo) for everyone else. A pure function of its inputs so
 * that it can be tested without being root.
 */
public final class StoreLocation {
    private StoreLocation() {}

    public static final Path ROOT_DEFAULT = Path.of("/var/lib/cryo");

    public static Path resolve(String option, Map<String, String> env, boolean root, Path home) {
        return resolve(option, env, root, home, Path.of("").toAbsolutePath());
    }

    /** The same with relative paths taken relative to {@code cwd}. */
    public static Path resolve(String option, Map<String, String> env, boolean root, Path home, Path cwd) {
        if (option != null && !option.isEmpty()) {
            return cwd.resolve(option).normalize();
        }
        String fromEnv = env.get("CRYO_STORE");
        if (fromEnv != null && !fromEnv.isEmpty()) {
            return cwd.resolve(fromEnv).normalize();
        }
        if (root) {
            return ROOT_DEFAULT;
        }
        // The XDG spec says a relative $XDG_DATA_HOME is invalid and must be ignored.
        String xdg = env.get("XDG_DATA_HOME");
        if (xdg != null && Path.of(xdg).isAbsolute()) {
            return Path.of(xdg).resolve("cryo").normalize();
        }
        return home.resolve(".local/share/cryo").normalize();
    }

    /** The store for this command line: its caller's environment and directory, and whether we run as root. */
    public static Path forThisProcess(String option) {
        Invocation inv = Invocation.current();
        return resolve(option, inv.env(), runningAsRoot(), Path.of(System.getProperty("user.home")), inv.cwd());
    }

    /** /proc/self belongs to our effective uid; cheaper than a native call and needs no FFM. */
    static boolean runningAsRoot() {
        try {
            return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
        } catch (Exception e) {
            return "root".equals(System.getProperty("user.name"));
        }
    }
}
