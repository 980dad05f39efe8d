package dev.cryo.cli;

import java.nio.file.Files;
import java.nio.file.Path;

/** The repository root (where cryo-helper/ and workloads/ are built): -Dcryo.home, set by the launcher. */
final class CryoHome {
    private CryoHome() {}

    static Path find() throws CliException {
        String prop = System.getProperty("cryo.home");
        if (prop != null && !prop.isEmpty()) {
            return Path.of(prop).toAbsolutePath().normalize();
        }
        // Without the launcher (tests, IDE): our jar or classes sit in <home>/cryo-cli/target/...
        try {
            Path here = Path.of(CryoHome.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            for (Path p = here; p != null; p = p.getParent()) {
                if (Files.isDirectory(p.resolve("cryo-helper")) && Files.isDirectory(p.resolve("workloads"))) {
                    return p;
                }
            }
        } catch (Exception e) {
            // fall through to the message below
        }
        throw new CliException("cannot find the cryo installation (cryo-helper/, workloads/); run cryo through its launcher, which sets -Dcryo.home");
    }
}
