package dev.cryo.tests;

import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The error contract of design.md section 1: one line, {@code cryo: <what failed>: <why>}, exit 1 or 2, no stack trace. */
final class ErrorOutput {
    private static final Pattern STACK_FRAME = Pattern.compile("^\\s+at [\\w.$/<>]+\\(|^Caused by: |Exception in thread ");

    private ErrorOutput() {}

    /** Exit 1 and exactly one line on stderr, starting {@code cryo: }, mentioning each of {@code mentions}. */
    static String assertOperationalError(CliResult r, String... mentions) {
        assertEquals(1, r.exitCode(), () -> "expected exit code 1 (operational error): " + r);
        List<String> lines = r.stderrLines();
        assertEquals(1, lines.size(), () -> "an error is one line on stderr: " + r);
        String line = lines.getFirst();
        assertTrue(line.startsWith("cryo: "), () -> "an error line starts with 'cryo: ': " + r);
        assertNoStackTrace(r);
        for (String m : mentions) {
            assertTrue(line.toLowerCase(Locale.ROOT).contains(m.toLowerCase(Locale.ROOT)), () -> "the error should mention '" + m + "': " + r);
        }
        return line;
    }

    /** Exit 2, stderr starting with a {@code cryo: } line (usage help may follow), no stack trace. */
    static void assertUsageError(CliResult r) {
        assertEquals(2, r.exitCode(), () -> "expected exit code 2 (usage error): " + r);
        List<String> lines = r.stderrLines();
        assertFalse(lines.isEmpty(), () -> "a usage error says what is wrong on stderr: " + r);
        assertTrue(lines.getFirst().startsWith("cryo: "), () -> "an error line starts with 'cryo: ': " + r);
        assertNoStackTrace(r);
    }

    static void assertNoStackTrace(CliResult r) {
        for (String l : (r.stdout() + "\n" + r.stderr()).lines().toList()) {
            assertFalse(STACK_FRAME.matcher(l).find(), () -> "stack traces only with --verbose: " + r);
        }
    }

    /** True when {@code line} contains {@code n} as a whole number (not as part of a longer one). */
    static boolean mentionsNumber(String line, long n) {
        return Pattern.compile("(?<!\\d)" + n + "(?!\\d)").matcher(line).find();
    }
}
