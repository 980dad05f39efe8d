package dev.cryo.linux.proc;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Text captured from this machine's /proc, stored under src/test/resources/dev/cryo/linux/proc. */
final class Fixture {

    private Fixture() {
    }

    static byte[] bytes(String name) {
        try (InputStream in = Fixture.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String text(String name) {
        return new String(bytes(name), StandardCharsets.UTF_8);
    }
}
