package dev.cryo.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;
import java.util.UUID;

/**
 * File primitives of the store: files are born 0600 and directories 0700 (never chmod-ed afterwards,
 * so there is no window in which a checkpoint is readable by others), and publication is atomic:
 * write under tmp/, fsync, rename, fsync the directory.
 */
public final class SecureFiles {
    private static final FileAttribute<Set<PosixFilePermission>> FILE_0600 =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));
    private static final FileAttribute<Set<PosixFilePermission>> DIR_0700 =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));

    private SecureFiles() {}

    /** Creates {@code dir} (and missing parents) 0700; an existing directory is left as it is. */
    public static void createDirectory(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            return;
        }
        Path parent = dir.getParent();
        if (parent != null && !Files.isDirectory(parent)) {
            createDirectory(parent);
        }
        try {
            Files.createDirectory(dir, DIR_0700);
        } catch (FileAlreadyExistsException e) {
            if (!Files.isDirectory(dir)) {
                throw e;
            }
        }
    }

    /** A new, uniquely named 0600 file under tmp/, open for writing. */
    public static FileChannel createTemp(StoreLayout layout, String purpose) throws IOException {
        Path tmp = layout.tmpDir().resolve(purpose + "-" + UUID.randomUUID());
        return FileChannel.open(tmp, EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                StandardOpenOption.READ), FILE_0600);
    }

    /** A new 0600 file at a fixed temporary path. */
    public static FileChannel createNew(Path file) throws IOException {
        return FileChannel.open(file, EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                StandardOpenOption.READ), FILE_0600);
    }

    public static Path tempPath(StoreLayout layout, String purpose) {
        return layout.tmpDir().resolve(purpose + "-" + UUID.randomUUID());
    }

    /**
     * Makes the fsynced temporary file {@code tmp} visible as {@code target}. If the target already exists
     * it holds the same content (names are content hashes), so the temporary file is just dropped.
     */
    public static void publish(Path tmp, Path target) throws IOException {
        rename(tmp, target);
        syncDirectory(target.getParent());
    }

    /**
     * Like {@link #publish} but leaves the directory fsync to the caller, who syncs each directory once for
     * many files (packs) before anything refers to them. Returns true if the directory was created here
     * (its parent then needs an fsync too).
     */
    public static boolean rename(Path tmp, Path target) throws IOException {
        boolean created = !Files.isDirectory(target.getParent());
        createDirectory(target.getParent());
        if (Files.exists(target)) {
            Files.deleteIfExists(tmp);
            return created;
        }
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.deleteIfExists(tmp);
            throw new StoreException("store " + target.getParent() + ": atomic rename not supported", e);
        }
        return created;
    }

    /** Writes {@code bytes} atomically to {@code target} (tmp, fsync, rename, fsync dir). */
    public static void writeAtomically(StoreLayout layout, Path target, byte[] bytes) throws IOException {
        Path tmp = tempPath(layout, target.getFileName().toString());
        try (FileChannel ch = createNew(tmp)) {
            java.nio.ByteBuffer buf = java.nio.ByteBuffer.wrap(bytes);
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            ch.force(true);
        } catch (IOException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        try {
            publish(tmp, target);
        } catch (IOException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
    }

    /** fsync of a directory makes a rename in it durable. */
    public static void syncDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }

    public static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // best effort: a leftover under tmp/ is removed by the next gc
        }
    }
}
