package dev.cryo.engine;

import dev.cryo.store.BlobWriter;
import dev.cryo.store.CheckpointWriter;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;

/**
 * Files deleted while still open or mapped ("ghost files", as CRIU calls them): nothing but the process
 * holds them, so their content goes into the checkpoint, once per inode however many descriptors and
 * mappings lead to it. A restore re-creates each one as a single unlinked file that all of them share.
 */
public final class GhostFiles {
    private final CheckpointWriter writer;
    private final Map<String, String> saved = new HashMap<>();

    GhostFiles(CheckpointWriter writer) {
        this.writer = writer;
    }

    /**
     * The blob holding the content of inode {@code ino}, read through {@code source} the first time. Keyed by
     * device too: a deleted file on disk and a memfd (on the kernel's internal tmpfs) may share an inode number.
     */
    public String save(long ino, Path source) throws IOException {
        String key = Files.getAttribute(source, "unix:dev") + "-" + ino;
        String name = saved.get(key);
        if (name != null) return name;
        name = "ghost/" + key;
        BlobWriter blob = writer.blob(name);
        try (FileChannel ch = FileChannel.open(source, StandardOpenOption.READ)) {
            ByteBuffer buf = ByteBuffer.allocateDirect(1 << 20);
            for (long pos = 0; ; ) {
                buf.clear();
                int r = ch.read(buf, pos);
                if (r <= 0) break;
                pos += r;
                buf.flip();
                blob.write(buf);
            }
        }
        saved.put(key, name);
        return name;
    }
}
