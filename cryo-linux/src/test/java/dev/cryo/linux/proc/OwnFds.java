package dev.cryo.linux.proc;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** The fds of this JVM whose /proc/self/fd link matches, found by reading the links (no FFM in these tests). */
final class OwnFds {

    private OwnFds() {
    }

    static int pid() {
        return (int) ProcessHandle.current().pid();
    }

    static List<Integer> withLink(String link) throws IOException {
        List<Integer> out = new ArrayList<>();
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : fds.toList()) {
                try {
                    if (Files.readSymbolicLink(fd).toString().equals(link)) {
                        out.add(Integer.parseInt(fd.getFileName().toString()));
                    }
                } catch (IOException closedMeanwhile) {
                    // the directory stream's own fd, or one closed by another thread
                }
            }
        }
        return out;
    }

    static int only(String link) throws IOException {
        List<Integer> fds = withLink(link);
        if (fds.size() != 1) {
            throw new AssertionError("expected one fd linked to " + link + ", found " + fds);
        }
        return fds.getFirst();
    }
}
