package dev.cryo.cli;

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
        if (option != null && !option.isEmpty()) {
            return Path.of(option).toAbsolutePath().normalize();
        }
        String fromEnv = env.get("CRYO_STORE");
        if (fromEnv != null && !fromEnv.isEmpty()) {
            return Path.of(fromEnv).toAbsolutePath().normalize();
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

    /** The store for this process: its environment, and whether it runs as root. */
    public static Path forThisProcess(String option) {
        return resolve(option, System.getenv(), runningAsRoot(), Path.of(System.getProperty("user.home")));
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
