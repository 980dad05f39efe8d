package dev.cryo.store;

import java.io.Closeable;
import java.io.IOException;
import java.util.Map;

/** One checkpoint being written. Closing without {@link #commit} discards it. */
public interface CheckpointWriter extends Closeable {

    /**
     * A new sequential blob (for example one process's memory pages, "mem/1234"). Blobs of one writer
     * may be written from different threads, each blob by one thread at a time.
     */
    BlobWriter blob(String name) throws IOException;

    /**
     * Makes the checkpoint durable and visible, atomically. {@code labels} are small strings shown by
     * {@code ls} without decoding the metadata (at least "name" when the checkpoint has one,
     * "processes", "freeze_ms").
     */
    CheckpointInfo commit(byte[] metadata, Map<String, String> labels) throws IOException;

    /** Discards everything not committed. Idempotent. */
    @Override
    void close() throws IOException;
}
