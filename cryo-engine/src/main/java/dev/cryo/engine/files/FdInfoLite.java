package dev.cryo.engine.files;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The fdinfo fields every descriptor has and every handler needs: offset and status flags; and whether
 * a lock is held through it.
 */
record FdInfoLite(long pos, int flags, boolean locked) {

    static FdInfoLite read(int pid, int fd) throws IOException {
        long pos = 0;
        int flags = 0;
        boolean locked = false;
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/fdinfo/" + fd))) {
            if (line.startsWith("pos:")) pos = Long.parseLong(line.substring(4).strip());
            else if (line.startsWith("flags:")) flags = Integer.parseInt(line.substring(6).strip(), 8);
            else if (line.startsWith("lock:")) locked = true;
        }
        return new FdInfoLite(pos, flags, locked);
    }
}
