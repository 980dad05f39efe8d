package dev.cryo.engine.files;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The two fdinfo fields every descriptor has and every handler needs: offset and status flags. */
record FdInfoLite(long pos, int flags) {

    static FdInfoLite read(int pid, int fd) throws IOException {
        long pos = 0;
        int flags = 0;
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/fdinfo/" + fd))) {
            if (line.startsWith("pos:")) pos = Long.parseLong(line.substring(4).strip());
            else if (line.startsWith("flags:")) flags = Integer.parseInt(line.substring(6).strip(), 8);
        }
        return new FdInfoLite(pos, flags);
    }
}
