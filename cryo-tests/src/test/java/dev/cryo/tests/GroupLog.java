package dev.cryo.tests;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.fail;

/** The log of a detached group (`cryo run --detach`) in a test's registry directory, read as a workload's ticks. */
final class GroupLog {
    private static final Pattern TICK = Pattern.compile("tick (\\d+) ok pid=(\\d+)");

    private final Path runDir;

    /** @param runDir the registry directory (CRYO_RUN_DIR) */
    GroupLog(Path runDir) {
        this.runDir = runDir;
    }

    List<String> lines(String name) {
        try {
            return Files.readAllLines(runDir.resolve("groups/" + name + "/log"));
        } catch (IOException e) {
            return List.of();
        }
    }

    List<Long> ticks(String name) {
        List<Long> out = new ArrayList<>();
        for (String l : lines(name)) {
            Matcher m = TICK.matcher(l);
            if (m.find()) out.add(Long.parseLong(m.group(1)));
        }
        return out;
    }

    long lastTick(String name) {
        List<Long> t = ticks(name);
        return t.isEmpty() ? 0 : t.getLast();
    }

    void assertNoFail(String name) {
        for (String l : lines(name)) if (l.contains("FAIL")) fail("group " + name + " reported: " + l);
    }

    void awaitTicks(String name, long atLeast, Duration timeout) {
        Workload.await(() -> {
            assertNoFail(name);
            return lastTick(name) >= atLeast;
        }, timeout, "tick " + atLeast + " in the log of " + name);
    }
}
