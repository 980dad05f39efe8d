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

    /**
     * Whether the store fsyncs what it writes (the default). {@code CRYO_STORE_FSYNC=off} (or
     * {@code -Dcryo.store.fsync=off}) trades durability for speed, as CRIU does: files are still written
     * under tmp/ and renamed, so a crash of cryo itself leaves a valid store, but a power loss or kernel
     * crash may leave checkpoints of the last seconds torn, which verify and restore then refuse.
     */
    private static final boolean DURABLE = !"off".equals(System.getProperty("cryo.store.fsync",
            System.getenv().getOrDefault("CRYO_STORE_FSYNC", "on")));

    private SecureFiles() {}

    /** True unless the user turned fsync off. */
    public static boolean durable() {
        return DURABLE;
    }

    /** fsync of a file's data and metadata, unless the user turned fsync off. */
    public static void force(FileChannel ch) throws IOException {
        if (DURABLE) {
            ch.force(true);
        }
    }

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
        publishWritten(writeTemp(layout, target, bytes), target);
    }

    /** The first half of {@link #writeAtomically}: {@code bytes} in a new fsynced file under tmp/. */
    public static Path writeTemp(StoreLayout layout, Path target, byte[] bytes) throws IOException {
        Path tmp = tempPath(layout, target.getFileName().toString());
        try (FileChannel ch = createNew(tmp)) {
            java.nio.ByteBuffer buf = java.nio.ByteBuffer.wrap(bytes);
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            force(ch);
        } catch (IOException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        return tmp;
    }

    /** The second half of {@link #writeAtomically}: {@link #publish}, removing {@code tmp} if that fails. */
    public static void publishWritten(Path tmp, Path target) throws IOException {
        try {
            publish(tmp, target);
        } catch (IOException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
    }

    /**
     * Before an operation deletes data that something it wrote replaces (gc): without fsync, sync(2)
     * writes everything back first, so a power loss can never take both the old copy and the new one.
     */
    public static void writeBackBeforeDeleting() {
        if (!DURABLE) {
            dev.cryo.linux.syscall.Syscall.raw(dev.cryo.linux.syscall.SysNr.SYNC, 0, 0, 0, 0, 0, 0);
        }
    }

    /** fsync of a directory makes a rename in it durable. */
    public static void syncDirectory(Path dir) throws IOException {
        if (!DURABLE) {
            return;
        }
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }

    /**
     * Syncs several directories at once, one thread each: the file system commits its journal once for
     * fsyncs that wait together, where one after the other each waits for its own commit.
     */
    public static void syncDirectories(java.util.Collection<Path> dirs) throws IOException {
        if (!DURABLE || dirs.isEmpty()) {
            return;
        }
        if (dirs.size() == 1) {
            syncDirectory(dirs.iterator().next());
            return;
        }
        java.util.List<Thread> threads = new java.util.ArrayList<>();
        java.util.concurrent.atomic.AtomicReference<IOException> failure = new java.util.concurrent.atomic.AtomicReference<>();
        for (Path dir : dirs) {
            threads.add(Thread.ofPlatform().name("cryo-dir-sync").start(() -> {
                try {
                    syncDirectory(dir);
                } catch (IOException e) {
                    failure.compareAndSet(null, e);
                }
            }));
        }
        for (Thread t : threads) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("interrupted while syncing directories");
            }
        }
        if (failure.get() != null) {
            throw failure.get();
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
