package dev.cryo.engine;

import dev.cryo.linux.proc.ProcStatus;
import dev.cryo.linux.proc.StatusParser;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Process state that Cryo does not save yet and would otherwise drop silently: refused up front, by
 * name, so that a restored process never runs without something it relied on.
 */
final class UnsupportedState {
    /** Namespaces a restored process would silently leave (it comes back in the restorer's). */
    private static final List<String> NAMESPACES = List.of("pid", "mnt", "net", "ipc", "uts", "user", "cgroup", "time");

    private UnsupportedState() {}

    static void refuse(int pid) throws IOException {
        refuse(pid, (int) ProcessHandle.current().pid());
    }

    /** The same, with the namespaces the process must share with {@code reference} (cryo, or a group's init). */
    static void refuse(int pid, int reference) throws IOException {
        Path proc = Path.of("/proc/" + pid);
        ProcStatus status = StatusParser.read(pid);
        if (status.seccomp() != 0) {
            throw new UnsupportedResourceException(pid, "seccomp (mode " + status.seccomp() + ", "
                    + status.seccompFilters() + " filters)", "seccomp filters are not supported yet");
        }
        Path self = Path.of("/proc/" + reference + "/ns");
        for (String ns : NAMESPACES) {
            Path theirs = proc.resolve("ns").resolve(ns);
            if (!Files.exists(theirs, java.nio.file.LinkOption.NOFOLLOW_LINKS)) continue;
            if (!Files.readSymbolicLink(theirs).equals(Files.readSymbolicLink(self.resolve(ns)))) {
                throw new UnsupportedResourceException(pid, ns + " namespace " + Files.readSymbolicLink(theirs),
                        "processes in namespaces other than cryo's own are not supported yet");
            }
        }
    }
}
