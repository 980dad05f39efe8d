package dev.cryo.cli;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations on the command line: a number and a unit, 500ms, 30s, 5m, 1h. */
final class DurationOption {
    private static final Pattern FORM = Pattern.compile("(\\d+)(ms|s|m|h)");

    private DurationOption() {}

    static Duration parse(String command, String text) throws CliException {
        Matcher m = FORM.matcher(text.strip());
        if (!m.matches()) throw new CliException(command + ": '" + text + "' is not a duration (like 500ms, 30s, 5m, 1h)");
        long n = Long.parseLong(m.group(1));
        Duration d = switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            default -> Duration.ofHours(n);
        };
        if (d.toMillis() < 100) throw new CliException(command + ": " + text + " is too short an interval (at least 100ms)");
        return d;
    }
}
