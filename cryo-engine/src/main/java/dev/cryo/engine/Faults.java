package dev.cryo.engine;

import java.io.IOException;

/**
 * Fault injection for tests (as CRIU's CRIU_FAULT): with {@code CRYO_FAULT=<step>} in the environment,
 * the named step fails as if the kernel had refused it. Used to prove that every failure path leaves the
 * application exactly as it was.
 */
public final class Faults {
    private static final String FAULT = System.getenv("CRYO_FAULT");

    private Faults() {}

    public static void check(String step) throws IOException {
        if (step.equals(FAULT)) {
            throw new IOException("injected fault at step '" + step + "' (CRYO_FAULT)");
        }
    }
}
