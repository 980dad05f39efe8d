package dev.cryo.tests;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** What /proc says about a process, by PID only (none of them are our children). */
final class Proc {
    private Proc() {}

    /** Exists and is not a zombie. */
    static boolean alive(long pid) {
        return state(pid).map(s -> !s.startsWith("Z") && !s.startsWith("X")).orElse(false);
    }

    /** Has no /proc entry at all: reaped, so its PID is free again. */
    static boolean gone(long pid) {
        return !Files.exists(Path.of("/proc", Long.toString(pid)));
    }

    /** The State field of /proc/PID/status ("S (sleeping)"), empty if the process is gone. */
    static Optional<String> state(long pid) {
        return field(Path.of("/proc", Long.toString(pid), "status"), "State");
    }

    /** Tasks (threads) of the process and, for each, the State and TracerPid fields. */
    static List<TaskStatus> tasks(long pid) {
        List<TaskStatus> out = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path t : ds) {
                Path status = t.resolve("status");
                Optional<String> state = field(status, "State");
                Optional<String> tracer = field(status, "TracerPid");
                if (state.isPresent() && tracer.isPresent()) {
                    out.add(new TaskStatus(Long.parseLong(t.getFileName().toString()), state.get(), Long.parseLong(tracer.get())));
                }
            }
        } catch (IOException e) {
            // the process went away while we looked: no tasks
        }
        return out;
    }

    record TaskStatus(long tid, String state, long tracerPid) {}

    /** fd numbers of the process whose /proc/PID/fd link contains {@code kind} ("socket:", "io_uring"). */
    static List<Integer> fdsLinkingTo(long pid, String kind) {
        List<Integer> fds = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "fd"))) {
            for (Path fd : ds) {
                try {
                    if (Files.readSymbolicLink(fd).toString().contains(kind)) {
                        fds.add(Integer.parseInt(fd.getFileName().toString()));
                    }
                } catch (IOException e) {
                    // closed meanwhile
                }
            }
        } catch (IOException e) {
            throw new AssertionError("cannot list fds of " + pid + ": " + e, e);
        }
        return fds;
    }

    /** Where fd {@code fd} of the process leads, if it is open. */
    static Optional<Path> fdTarget(long pid, int fd) {
        try {
            return Optional.of(Files.readSymbolicLink(Path.of("/proc", Long.toString(pid), "fd", Integer.toString(fd))));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /**
     * PIDs of all live processes whose stdout or stderr is {@code file}: finds a workload however it came
     * back, and every process of a workload's tree (a pipeline's first stages keep stderr on the log).
     */
    static List<Long> writingTo(Path file) {
        List<Long> pids = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(Path.of("/proc"), p -> p.getFileName().toString().matches("\\d+"))) {
            for (Path p : ds) {
                long pid = Long.parseLong(p.getFileName().toString());
                boolean logs = fdTarget(pid, 1).filter(t -> t.equals(file)).isPresent()
                        || fdTarget(pid, 2).filter(t -> t.equals(file)).isPresent();
                if (logs && alive(pid)) {
                    pids.add(pid);
                }
            }
        } catch (IOException e) {
            throw new AssertionError("cannot list /proc: " + e, e);
        }
        return pids;
    }

    /** A PID that no process has right now. */
    static long unusedPid() {
        try {
            // readAllLines, not readString: readString trusts the size /proc reports and returns one byte
            long max = Long.parseLong(Files.readAllLines(Path.of("/proc/sys/kernel/pid_max")).getFirst().strip());
            for (long pid = max - 1; pid > 300; pid--) {
                if (gone(pid)) {
                    return pid;
                }
            }
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        throw new AssertionError("no free PID");
    }

    private static Optional<String> field(Path status, String name) {
        try {
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith(name + ":")) {
                    return Optional.of(line.substring(name.length() + 1).strip());
                }
            }
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            return Optional.empty(); // ESRCH while reading: gone
        }
        return Optional.empty();
    }
}
