package dev.cryo.cli;

import picocli.CommandLine.IVersionProvider;

/** `cryo --version`: our version from the jar manifest, and the JVM and kernel we run on. */
public final class VersionProvider implements IVersionProvider {

    @Override
    public String[] getVersion() {
        return new String[] {
                "cryo " + version(),
                "java " + Runtime.version() + " (" + System.getProperty("java.vendor", "?") + "), "
                        + System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                        + System.getProperty("os.arch"),
        };
    }

    /** The Implementation-Version of our jar; "dev" when run from classes (tests, IDE). */
    public static String version() {
        String v = VersionProvider.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }
}
