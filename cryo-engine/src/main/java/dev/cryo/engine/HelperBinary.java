package dev.cryo.engine;

import java.nio.file.Path;

/** Where cryo-helper is: -Dcryo.helper, else under -Dcryo.home (set by the launcher). */
public final class HelperBinary {
    private HelperBinary() {}

    public static Path path() throws EngineException {
        String explicit = System.getProperty("cryo.helper");
        if (explicit != null) return Path.of(explicit);
        String home = System.getProperty("cryo.home");
        if (home == null) throw new EngineException("cannot find cryo-helper (set cryo.home or cryo.helper)");
        return Path.of(home, "cryo-helper", "target", "cryo-helper");
    }
}
