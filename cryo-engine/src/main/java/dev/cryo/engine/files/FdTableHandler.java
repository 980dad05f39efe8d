package dev.cryo.engine.files;

import dev.cryo.engine.DumpSession;
import dev.cryo.engine.UnsupportedResourceException;
import dev.cryo.image.fd.ExternalFd;
import dev.cryo.image.fd.FdEntry;
import dev.cryo.linux.fd.RemoteFds;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The descriptor table: reads /proc/PID/fd, hands each descriptor to the handler of its kind, and names
 * any kind it does not know (the checkpoint is then refused and the process left as it was).
 */
public final class FdTableHandler {
    static final int O_CLOEXEC = 02000000, FD_CLOEXEC = 1;

    private final RegularFileHandler files = new RegularFileHandler();
    private final PipeHandler pipes = new PipeHandler();

    public List<FdEntry> dump(DumpSession s) throws IOException {
        int pid = s.pid();
        Map<Integer, String> targets = new TreeMap<>();
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(Path.of("/proc/" + pid + "/fd"))) {
            for (Path p : dir) {
                targets.put(Integer.parseInt(p.getFileName().toString()), Files.readSymbolicLink(p).toString());
            }
        }
        List<FdEntry> out = new ArrayList<>();
        int pidfd = RemoteFds.pidfdOpen(pid);
        try {
            for (var e : targets.entrySet()) {
                int fd = e.getKey();
                String target = e.getValue();
                FdInfoLite info = FdInfoLite.read(pid, fd);
                int fdFlags = (info.flags() & O_CLOEXEC) != 0 ? FD_CLOEXEC : 0;
                int openFlags = info.flags() & ~O_CLOEXEC;
                FdEntry entry;
                if (target.startsWith("/dev/pts/") || target.startsWith("/dev/tty") || target.equals("/dev/console")) {
                    entry = new ExternalFd(fd, fdFlags, openFlags, target);
                } else if (target.startsWith("/")) {
                    entry = files.dump(s, fd, fdFlags, openFlags, info.pos(), target);
                } else if (target.startsWith("pipe:")) {
                    entry = pipes.dump(s, pidfd, fd, fdFlags, openFlags, target, targets);
                } else {
                    throw new UnsupportedResourceException(pid, "fd " + fd + " (" + kind(target) + ")",
                            "this kind of file descriptor is not supported yet");
                }
                out.add(entry);
            }
        } finally {
            RemoteFds.close(pidfd);
        }
        return out;
    }

    /** A readable name for a descriptor's kind: "socket:[123]" -> "socket", "anon_inode:[eventfd]" -> "eventfd". */
    static String kind(String target) {
        if (target.startsWith("anon_inode:")) {
            String k = target.substring("anon_inode:".length());
            return k.startsWith("[") && k.endsWith("]") ? k.substring(1, k.length() - 1) : k;
        }
        int colon = target.indexOf(':');
        return colon > 0 ? target.substring(0, colon) + " " + target.substring(colon + 1) : target;
    }

    public RegularFileHandler files() {
        return files;
    }

    public PipeHandler pipes() {
        return pipes;
    }
}
