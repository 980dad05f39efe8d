package dev.cryo.tests;

import java.util.List;

/** What one {@code cryo} invocation did. */
record CliResult(List<String> command, int exitCode, String stdout, String stderr) {

    /** The last non-blank line of stdout: the checkpoint id or the restored PID, by contract. */
    String lastLine() {
        List<String> lines = stdout.lines().filter(l -> !l.isBlank()).toList();
        if (lines.isEmpty()) {
            throw new AssertionError("no output on stdout from " + this);
        }
        return lines.getLast().strip();
    }

    List<String> stderrLines() {
        return stderr.lines().filter(l -> !l.isBlank()).toList();
    }

    @Override
    public String toString() {
        return String.join(" ", command) + " -> exit " + exitCode + "\n--- stdout:\n" + stdout + "--- stderr:\n" + stderr;
    }
}
