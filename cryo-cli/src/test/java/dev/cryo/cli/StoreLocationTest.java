package dev.cryo.cli;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class StoreLocationTest {
    private static final Path HOME = Path.of("/home/ann");

    @Test
    void optionWinsOverEverything() {
        assertEquals(Path.of("/data/s"), StoreLocation.resolve("/data/s", Map.of("CRYO_STORE", "/env/s"), true, HOME));
    }

    @Test
    void relativeOptionIsMadeAbsolute() {
        Path p = StoreLocation.resolve("rel/s", Map.of(), false, HOME);
        assertEquals(Path.of("rel/s").toAbsolutePath().normalize(), p);
    }

    @Test
    void environmentWinsOverDefaults() {
        assertEquals(Path.of("/env/s"), StoreLocation.resolve(null, Map.of("CRYO_STORE", "/env/s"), true, HOME));
        assertEquals(Path.of("/env/s"), StoreLocation.resolve(null, Map.of("CRYO_STORE", "/env/s"), false, HOME));
    }

    @Test
    void emptyEnvironmentValueIsIgnored() {
        assertEquals(Path.of("/var/lib/cryo"), StoreLocation.resolve(null, Map.of("CRYO_STORE", ""), true, HOME));
    }

    @Test
    void rootUsesVarLib() {
        assertEquals(Path.of("/var/lib/cryo"), StoreLocation.resolve(null, Map.of("XDG_DATA_HOME", "/x"), true, HOME));
    }

    @Test
    void othersUseXdgDataHome() {
        assertEquals(Path.of("/x/data/cryo"), StoreLocation.resolve(null, Map.of("XDG_DATA_HOME", "/x/data"), false, HOME));
    }

    @Test
    void othersFallBackToLocalShare() {
        assertEquals(Path.of("/home/ann/.local/share/cryo"), StoreLocation.resolve(null, Map.of(), false, HOME));
    }

    @Test
    void relativeXdgDataHomeIsIgnoredAsTheSpecSays() {
        assertEquals(Path.of("/home/ann/.local/share/cryo"),
                StoreLocation.resolve(null, Map.of("XDG_DATA_HOME", "relative"), false, HOME));
    }

    @Test
    void weKnowWhetherWeAreRoot() {
        // Cross-checked with the kernel's own view of this process.
        boolean root = System.getProperty("user.name").equals("root");
        assertEquals(root, StoreLocation.runningAsRoot());
    }
}
