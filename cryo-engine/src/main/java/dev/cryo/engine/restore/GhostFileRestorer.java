package dev.cryo.engine.restore;

import dev.cryo.image.fd.FdEntry;
import dev.cryo.image.fd.MemfdFd;
import dev.cryo.image.fd.RegularFileFd;
import dev.cryo.image.mm.VmaEntry;
import dev.cryo.image.mm.VmaKind;
import dev.cryo.image.task.ProcessEntry;
import dev.cryo.store.BlobReader;
import dev.cryo.store.CheckpointReader;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;

/**
 * Re-creates deleted-but-open files before a restore: one file per ghost, next to where the original
 * lived (same filesystem, so the process sees the same device), opened and mapped by the restored
 * process by that temporary name, and unlinked as soon as the restore ends, as the original was.
 */
public final class GhostFileRestorer {
    /** Where the content of a memfd waits (as a file in /tmp) until it is copied into the new memfd. */
    private static final String MEMFD_CONTENT_DIR = "/tmp/memfd";
    private final Map<String, String> paths = new HashMap<>();

    /** One file per ghost blob for the whole tree: processes that shared a ghost share its re-created file. */
    public static GhostFileRestorer create(CheckpointReader checkpoint, java.util.List<ProcessEntry> processes)
            throws IOException {
        GhostFileRestorer g = new GhostFileRestorer();
        try {
            for (ProcessEntry process : processes) g.makeAll(checkpoint, process);
            return g;
        } catch (IOException | RuntimeException e) {
            g.unlinkAll();
            throw e;
        }
    }

    private void makeAll(CheckpointReader checkpoint, ProcessEntry process) throws IOException {
        for (FdEntry e : process.fds()) {
            if (e instanceof RegularFileFd f && f.ghostBlob() != null) make(checkpoint, f.ghostBlob(), f.path());
            if (e instanceof MemfdFd m) make(checkpoint, m.contentBlob(), MEMFD_CONTENT_DIR); // copied into a memfd
        }
        for (VmaEntry v : process.vmas()) {
            if (v.ghostBlob() == null) continue;
            if (v.kind() == VmaKind.FILE_SHARED) {
                recreateIfMissing(checkpoint, v.ghostBlob(), Path.of(v.path()));
            } else if (v.kind() == VmaKind.MEMFD_SHARED) {
                make(checkpoint, v.ghostBlob(), MEMFD_CONTENT_DIR);
            } else {
                make(checkpoint, v.ghostBlob(), v.path());
            }
        }
    }

    private void make(CheckpointReader checkpoint, String blobName, String originalPath) throws IOException {
        if (paths.containsKey(blobName)) return;
        Path dir = Path.of(originalPath).getParent();
        if (originalPath.startsWith("/memfd:") || originalPath.startsWith("/dev/zero")) {
            dir = Path.of("/dev/shm"); // memory shared by several processes, or a memfd: kept in tmpfs, as it was
        }
        if (dir == null || !Files.isDirectory(dir)) dir = Path.of("/tmp");
        Path file = Files.createTempFile(dir, ".cryo-ghost-", "",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        paths.put(blobName, file.toString());
        fill(checkpoint, blobName, file);
    }

    /**
     * A small shared-mapped file that existed at checkpoint time: used as it is if it is still there, else
     * re-created at its path from the saved content (and left there: it is the process's file).
     */
    private void recreateIfMissing(CheckpointReader checkpoint, String blobName, Path path) throws IOException {
        if (Files.exists(path)) return;
        Files.createDirectories(path.getParent(),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Files.createFile(path, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        fill(checkpoint, blobName, path);
    }

    private static void fill(CheckpointReader checkpoint, String blobName, Path file) throws IOException {
        BlobReader blob = checkpoint.blob(blobName);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ByteBuffer buf = ByteBuffer.allocateDirect(1 << 20);
            for (long off = 0; off < blob.size(); ) {
                buf.clear().limit((int) Math.min(buf.capacity(), blob.size() - off));
                blob.read(off, buf);
                buf.flip();
                while (buf.hasRemaining()) off += ch.write(buf, off);
            }
        }
    }

    public Map<String, String> paths() {
        return paths;
    }

    public void unlinkAll() {
        for (String p : paths.values()) {
            try {
                Files.deleteIfExists(Path.of(p));
            } catch (IOException ignored) {
                // best effort: a leftover is a hidden file in the original's directory
            }
        }
    }
}
