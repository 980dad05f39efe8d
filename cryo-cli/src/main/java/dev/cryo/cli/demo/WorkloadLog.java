package dev.cryo.cli.demo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The output of a workload (design.md §4): lines {@code tick N ok pid=P}, or {@code FAIL <why>}.
 * Read from the log file the workload appends to; waits poll the file until a condition holds or a
 * deadline passes (the workload is not our child, so there is nothing else to wait on).
 */
public final class WorkloadLog {
    private static final Pattern TICK = Pattern.compile("tick (\\d+) ok pid=(\\d+)");
    private static final long POLL_MILLIS = 20;

    private final Path file;

    public WorkloadLog(Path file) {
        this.file = file;
    }

    public Path file() {
        return file;
    }

    /** One tick line. */
    public record Tick(long n, int pid, String line) {}

    /** What the log holds now. */
    public record Snapshot(List<Tick> ticks, List<String> failures) {
        public long lastTick() {
            return ticks.isEmpty() ? 0 : ticks.getLast().n();
        }

        public List<Tick> after(long n) {
            return ticks.stream().filter(t -> t.n() > n).toList();
        }
    }

    public Snapshot read() throws IOException {
        List<Tick> ticks = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        if (!Files.exists(file)) {
            return new Snapshot(ticks, failures);
        }
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            Matcher m = TICK.matcher(line);
            if (m.matches()) {
                ticks.add(new Tick(Long.parseLong(m.group(1)), Integer.parseInt(m.group(2)), line));
            } else if (line.startsWith("FAIL")) {
                failures.add(line);
            }
        }
        return new Snapshot(ticks, failures);
    }

    /**
     * Waits until {@code done} holds for the log, or a FAIL line shows up, or {@code timeoutMillis} pass;
     * returns the last snapshot either way (the caller looks at which).
     */
    public Snapshot await(Predicate<Snapshot> done, long timeoutMillis) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000;
        Snapshot s = read();
        while (!done.test(s) && s.failures().isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(POLL_MILLIS);
            s = read();
        }
        return s;
    }
}
