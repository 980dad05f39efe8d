package dev.cryo.cli.daemon;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The jars this JVM runs (cryo-cli.jar and its lib/), with their times at start. A rebuild replaces them under
 * a running daemon: it would then run old code and load classes lazily from new jars, so it declines every
 * command from then on (the client runs the new build in a JVM) until restarted.
 */
final class JarStamp {
    private final Map<Path, FileTime> times = new HashMap<>();

    JarStamp() {
        try {
            Path jar = Path.of(JarStamp.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (!Files.isRegularFile(jar)) return; // classes from a directory (tests in an IDE): nothing to watch
            times.put(jar, Files.getLastModifiedTime(jar));
            Path lib = jar.resolveSibling("lib");
            if (Files.isDirectory(lib)) {
                try (Stream<Path> s = Files.list(lib)) {
                    for (Path p : s.toList()) times.put(p, Files.getLastModifiedTime(p));
                }
            }
        } catch (IOException | URISyntaxException | SecurityException e) {
            times.clear();
        }
    }

    /** Whether a jar changed or went away since start. */
    boolean changed() {
        for (var e : times.entrySet()) {
            try {
                if (!Files.getLastModifiedTime(e.getKey()).equals(e.getValue())) return true;
            } catch (IOException gone) {
                return true;
            }
        }
        return false;
    }
}
