package dev.cryo.store;

import java.io.Closeable;
import java.io.IOException;

/** A committed checkpoint, opened for reading. Metadata is hash-checked before it is returned. */
public interface CheckpointReader extends Closeable {

    CheckpointInfo info();

    byte[] metadata() throws IOException;

    /** Throws {@link StoreException} naming the blob if it is not part of the checkpoint. */
    BlobReader blob(String name) throws IOException;
}
