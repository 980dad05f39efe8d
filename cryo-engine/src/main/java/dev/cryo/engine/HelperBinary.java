package dev.cryo.engine;

import java.nio.file.Path;

/** Where {@code cryo-helper} is: the {@code cryo.helper} property, else under {@code cryo.home}. */
public final class HelperBinary {
    private HelperBinary() {}

    public static Path path(String forWhat) throws EngineException {
        String explicit = System.getProperty("cryo.helper");
        if (explicit != null) return Path.of(explicit);
        String home = System.getProperty("cryo.home");
        if (home == null) throw new EngineException(forWhat + ": cannot find cryo-helper (set cryo.home or cryo.helper)");
        return Path.of(home, "cryo-helper", "target", "cryo-helper");
    }
}
