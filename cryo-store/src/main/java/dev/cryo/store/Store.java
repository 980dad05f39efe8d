package dev.cryo.store;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * A checkpoint store in one directory: the engine's only way to persist or load a checkpoint.
 *
 * <p>Contract (design.md §1 "Store"): the directory is created 0700 and every file 0600; nothing is
 * modified in place (write to tmp/, fsync, rename, fsync the directory), so a crash at any instant
 * leaves a valid store; every byte read back is checked against a hash.
 *
 * <p>A checkpoint is opaque metadata bytes (the serialized image, owned by cryo-image) plus named
 * blobs of page-aligned data (process memory, file contents). The store knows nothing of processes.
 */
public interface Store extends Closeable {

    /** Opens the store at {@code dir}, creating it (0700) if absent. */
    static Store open(Path dir) throws IOException {
        return StoreFactory.open(dir);
    }

    Path directory();

    /** Starts writing a new checkpoint. Nothing is visible until {@link CheckpointWriter#commit}. */
    CheckpointWriter begin() throws IOException;

    /**
     * Starts writing a new checkpoint whose new frames are compressed with {@code compression} (the store
     * reads frames of any codec). Fails with a one-line {@link StoreException} when the codec is not
     * available on this machine.
     */
    default CheckpointWriter begin(Compression compression) throws IOException {
        if (compression != Compression.LZ4) {
            throw new StoreException("store " + directory() + ": compression " + compression + " not supported");
        }
        return begin();
    }

    /**
     * Opens a checkpoint by full id, unambiguous id prefix, or name (the newest checkpoint carrying that
     * name label). Throws {@link StoreException} with a one-line message when unknown or ambiguous.
     */
    CheckpointReader open(String ref) throws IOException;

    /** All checkpoints, oldest first. */
    List<CheckpointInfo> list() throws IOException;

    /** Removes a checkpoint (full id); never breaks another checkpoint. */
    void remove(String id) throws IOException;

    /** Recomputes hashes (or only checks structure when quick); ref null means the whole store. */
    VerifyReport verify(String ref, boolean quick) throws IOException;

    /**
     * Frees what no checkpoint references: takes the store exclusively (fails with a one-line
     * {@link StoreException} while a checkpoint, restore or another gc runs). A crash at any instant loses
     * nothing.
     */
    default GcReport gc() throws IOException {
        throw new StoreException("store " + directory() + ": gc not supported");
    }

    /** Writes one self-contained stream holding exactly this checkpoint (its manifest and its chunks). */
    default void export(String ref, java.io.OutputStream out) throws IOException {
        throw new StoreException("store " + directory() + ": export not supported");
    }

    /**
     * Reads a stream made by {@link #export}, storing only chunks the store lacks; the id is kept. The
     * returned info's {@code addedBytes} is what this import added to the store.
     */
    default CheckpointInfo importFrom(java.io.InputStream in) throws IOException {
        throw new StoreException("store " + directory() + ": import not supported");
    }
}
