package dev.cryo.engine.files;

import dev.cryo.engine.DumpSession;
import dev.cryo.engine.UnsupportedResourceException;
import dev.cryo.image.fd.RegularFileFd;
import dev.cryo.store.BlobWriter;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributes;

/**
 * Files opened by path: regular files, directories and the harmless character devices. A file deleted
 * while open (a "ghost") has its content saved, since nothing else will have it at restore time.
 */
public final class RegularFileHandler {
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
            ghost = "ghost/" + s.pid() + "/" + fd;
            copyContent(link, s.writer().blob(ghost));
        }
        return new RegularFileFd(fd, fdFlags, openFlags, path, pos, mode, attrs.isRegularFile() ? attrs.size() : 0, ghost);
    }

    private static void copyContent(Path link, BlobWriter blob) throws IOException {
        try (FileChannel ch = FileChannel.open(link, StandardOpenOption.READ)) {
            ByteBuffer buf = ByteBuffer.allocateDirect(1 << 20);
            long pos = 0;
            for (;;) {
                buf.clear();
                int r = ch.read(buf, pos);
                if (r <= 0) break;
                pos += r;
                buf.flip();
                blob.write(buf);
            }
        }
    }

    static boolean exists(String path) {
        return Files.exists(Path.of(path), LinkOption.NOFOLLOW_LINKS) || Files.exists(Path.of(path));
    }
}
