package dev.cryo.cli.daemon;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ServePolicyTest {
    private static final int[] FDS = {7, 8, 9};

    private static String why(Map<String, String> env, Map<String, String> daemon, String... args) {
        return ServePolicy.declineReason(new Request.Call(Path.of("/"), List.of(args), env, FDS), daemon);
    }

    @Test
    void servesTheEngineAndStoreCommands() {
        for (String verb : List.of("checkpoint", "ls", "inspect", "verify", "rm", "gc", "ps", "export", "import")) {
            assertNull(why(Map.of(), Map.of(), verb, "x"), verb);
        }
        assertNull(why(Map.of(), Map.of(), "restore", "--detach", "x"));
    }

    @Test
    void declinesWhatOwnsTheTerminalOrNeedsTheJvm() {
        assertNotNull(why(Map.of(), Map.of(), "restore", "x"), "a foreground restore");
        assertNotNull(why(Map.of(), Map.of(), "restore", "--", "--detach"), "--detach after -- is a name");
        assertNotNull(why(Map.of(), Map.of(), "run", "--", "sh"));
        assertNotNull(why(Map.of(), Map.of(), "demo"));
        assertNotNull(why(Map.of(), Map.of(), "daemon", "status"));
        assertNotNull(why(Map.of(), Map.of(), "--version"));
        assertNotNull(why(Map.of(), Map.of(), "ls", "--help"));
        assertNotNull(why(Map.of(), Map.of()));
    }

    @Test
    void variablesReadOncePerJvmMustMatchTheDaemons() {
        assertNotNull(why(Map.of("CRYO_FAULT", "memory"), Map.of(), "checkpoint", "1"));
        assertNotNull(why(Map.of(), Map.of("CRYO_TIMINGS", "1"), "ls"));
        assertNull(why(Map.of("CRYO_TIMINGS", "1"), Map.of("CRYO_TIMINGS", "1"), "ls"));
        assertNull(why(Map.of("CRYO_STORE", "/a", "CRYO_NO_BUILD", "1"), Map.of("CRYO_STORE", "/b"), "ls"),
                "the store is per request");
    }

    @Test
    void decodesACallAndRefusesGarbage() {
        byte[] p = "cryo-call-1\0/home/u\0002\0ls\0--json\0CRYO_STORE=/s\0XDG_DATA_HOME=/d\0".getBytes(StandardCharsets.UTF_8);
        Request.Call c = (Request.Call) Request.decode(p, FDS);
        assertEquals(Path.of("/home/u"), c.cwd());
        assertEquals(List.of("ls", "--json"), c.args());
        assertEquals(Map.of("CRYO_STORE", "/s", "XDG_DATA_HOME", "/d"), c.env());
        assertTrue(Request.decode(Request.control("status"), new int[0]) instanceof Request.Control);
        assertThrows(IllegalArgumentException.class, () -> Request.decode(p, new int[] {1}), "three descriptors");
        assertThrows(IllegalArgumentException.class,
                () -> Request.decode("cryo-call-1\0rel\0000\0".getBytes(StandardCharsets.UTF_8), FDS), "relative cwd");
        assertThrows(IllegalArgumentException.class,
                () -> Request.decode("cryo-call-1\0/\0009\0ls\0".getBytes(StandardCharsets.UTF_8), FDS), "argc too big");
        assertThrows(IllegalArgumentException.class, () -> Request.decode("nope".getBytes(StandardCharsets.UTF_8), FDS));
    }
}
