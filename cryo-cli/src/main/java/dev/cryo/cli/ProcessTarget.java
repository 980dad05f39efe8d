package dev.cryo.cli;

import java.nio.file.Files;
import java.nio.file.Path;

/** TARGET of {@code cryo checkpoint} given as a PID (a group name goes to {@link GroupCheckpoints}). */
final class ProcessTarget {
    private ProcessTarget() {}

    /** The PID {@code target} names, checked to exist, or a one-line reason why not. */
    static int pid(String command, String target, Path proc) throws CliException {
        if (!target.chars().allMatch(Character::isDigit) || target.isEmpty()) {
            throw new CliException(command + ": '" + target + "' is neither a PID nor a group name");
        }
        int pid;
        try {
            pid = Integer.parseInt(target);
        } catch (NumberFormatException e) {
            throw new CliException(command + ": no process with PID " + target);
        }
        // Checked here so that the message is the same whatever the engine would have tripped over first.
        if (pid <= 0 || !Files.isDirectory(proc.resolve(Integer.toString(pid)))) {
            throw new CliException(command + ": no process with PID " + pid);
        }
        return pid;
    }
}
