package dev.cryo.tests;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the built repository is: the {@code cryo} launcher, cryo-helper and the workloads. */
final class Repo {
    static final String JDK = "/usr/lib/jvm/temurin-25-jdk-amd64";

    private static final Path ROOT = find();

    private Repo() {}

    static Path root() {
        return ROOT;
    }

    static Path cryo() {
        return ROOT.resolve("cryo");
    }

    static Path helper() {
        return ROOT.resolve("cryo-helper/target/cryo-helper");
    }

    /** A C workload built by workloads/Makefile. */
    static Path workload(String name) {
        Path p = ROOT.resolve("workloads/target").resolve(name);
        if (!Files.isExecutable(p)) {
            throw new IllegalStateException("workload " + p + " is not built (run mvn install, or make -C workloads)");
        }
        return p;
    }

    static Path workloadsDir() {
        return ROOT.resolve("workloads");
    }

    /** The python3 to run py_threads.py with: the system one, not a version manager's shim script. */
    static String python() {
        return Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";
    }

    private static Path find() {
        String home = System.getProperty("cryo.home");
        if (home != null && !home.isBlank()) {
            return Path.of(home).toAbsolutePath().normalize();
        }
        // Run outside surefire (an IDE): walk up from the working directory to the parent pom.
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("cryo-tests")) && Files.isRegularFile(p.resolve("pom.xml"))) {
                return p;
            }
        }
        throw new IllegalStateException("cannot find the Cryo repository: set -Dcryo.home");
    }
}
