package dev.cryo.cli.daemon;

import dev.cryo.cli.CliException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

/**
 * Where the daemon of this user listens: $CRYO_DAEMON_SOCKET, else /run/cryo/daemon.sock for root and
 * $XDG_RUNTIME_DIR/cryo/daemon.sock for everyone else (the launcher knows the same rule).
 */
public final class DaemonSocket {
    private DaemonSocket() {}

    public static Path path(Map<String, String> env, boolean root) throws CliException {
        String explicit = env.get("CRYO_DAEMON_SOCKET");
        if (explicit != null && !explicit.isEmpty()) {
            if (!Path.of(explicit).isAbsolute()) throw new CliException("daemon: CRYO_DAEMON_SOCKET must be an absolute path: " + explicit);
            return Path.of(explicit);
        }
        if (root) return Path.of("/run/cryo/daemon.sock");
        String runtime = env.get("XDG_RUNTIME_DIR");
        if (runtime == null || !Path.of(runtime).isAbsolute()) {
            throw new CliException("daemon: XDG_RUNTIME_DIR is not set, so there is no private place for the socket; "
                    + "set CRYO_DAEMON_SOCKET to a path in a directory only you can enter");
        }
        return Path.of(runtime, "cryo", "daemon.sock");
    }

    /**
     * Creates the socket's directory (0700) when missing; refuses one that belongs to another user or that others
     * may enter, since whoever can reach the socket may ask (and only SO_PEERCRED stands in the way).
     */
    public static void prepareDirectory(Path dir, int uid) throws IOException, CliException {
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir.getParent());
            try {
                Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            } catch (java.nio.file.FileAlreadyExistsException raced) {
                // another daemon starting: the lock decides
            }
        }
        int owner = (Integer) Files.getAttribute(dir, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        int mode = (Integer) Files.getAttribute(dir, "unix:mode", LinkOption.NOFOLLOW_LINKS);
        if (owner != uid) throw new CliException("daemon: " + dir + " belongs to uid " + owner + ", not to us (uid " + uid + ")");
        if ((mode & 0077) != 0) {
            throw new CliException("daemon: " + dir + " is open to other users (mode " + Integer.toOctalString(mode & 0777)
                    + "); make it 0700 or choose another CRYO_DAEMON_SOCKET");
        }
    }
}
