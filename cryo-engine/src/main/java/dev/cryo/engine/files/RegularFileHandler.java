package dev.cryo.engine.files;

import dev.cryo.engine.DumpSession;
import dev.cryo.engine.RestoreSession;
import dev.cryo.engine.UnsupportedResourceException;
import dev.cryo.engine.locks.FileLockHandler;
import dev.cryo.image.fd.RegularFileFd;
import dev.cryo.linux.errno.Errno;
import dev.cryo.linux.syscall.SysNr;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;

/**
 * Files opened by path: regular files, directories and the harmless character devices. A file deleted
 * while open (a "ghost") has its content saved, since nothing else will have it at restore time.
 */
public final class RegularFileHandler {
    private final FileLockHandler locks = new FileLockHandler();

    private static final java.util.Set<String> SIMPLE_DEVICES =
            java.util.Set.of("/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom");

    RegularFileFd dump(DumpSession s, int fd, int fdFlags, int openFlags, long pos, String target) throws IOException {
        Path link = Path.of("/proc/" + s.pid() + "/fd/" + fd);
        PosixFileAttributes attrs = Files.readAttributes(link, PosixFileAttributes.class);
        boolean deleted = target.endsWith(" (deleted)");
        String path = deleted ? target.substring(0, target.length() - " (deleted)".length()) : target;
        if (attrs.isOther() && !SIMPLE_DEVICES.contains(path)) {
            throw new UnsupportedResourceException(s.pid(), "fd " + fd + " (device " + path + ")",
                    "device files other than /dev/null, /dev/zero, /dev/full, /dev/random, /dev/urandom are not supported");
        }
        int mode = (int) Files.getAttribute(link, "unix:mode");
        String ghost = null;
        if (deleted) {
            if (!attrs.isRegularFile()) {
                throw new UnsupportedResourceException(s.pid(), "fd " + fd + " (" + target + ")",
                        "a deleted directory or device cannot be restored");
            }
            ghost = s.ghosts().save((long) Files.getAttribute(link, "unix:ino"), link);
        }
        return new RegularFileFd(fd, fdFlags, openFlags, path, pos, mode, attrs.isRegularFile() ? attrs.size() : 0, ghost,
                locks.dump(s.pid(), fd, path));
    }

    private static final int O_CREAT = 0100, O_EXCL = 0200, O_NOCTTY = 0400, O_TRUNC = 01000, AT_FDCWD = -100;

    /** Opens the file inside the task at its recorded offset; returns the (temporary) descriptor. */
    long restore(RestoreSession s, RegularFileFd f) throws IOException {
        String path = f.ghostBlob() != null ? s.ghostPath(f.ghostBlob()) : f.path();
        s.resetArgs();
        long fd = s.main().raw(SysNr.OPENAT, AT_FDCWD, s.putString(path), f.openFlags() & ~(O_CREAT | O_EXCL | O_TRUNC | O_NOCTTY), 0, 0, 0);
        if (fd < 0) {
            throw new IOException("fd " + f.fd() + " (" + f.path() + "): cannot open it: " + Errno.describe((int) -fd));
        }
        if (f.position() != 0) {
            long r = s.main().raw(SysNr.LSEEK, fd, f.position(), 0 /* SEEK_SET */, 0, 0, 0);
            if (r != f.position() && r != -Errno.ESPIPE.number()) {
                throw new IOException("fd " + f.fd() + " (" + f.path() + "): cannot seek to " + f.position() + ": "
                        + (r < 0 ? Errno.describe((int) -r) : "got " + r));
            }
        }
        return fd;
    }
}
