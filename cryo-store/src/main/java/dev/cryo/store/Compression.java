package dev.cryo.store;

/**
 * How a checkpoint's new frames are compressed. A store reads frames of every codec whatever a checkpoint
 * was written with, so this is a per-checkpoint choice, not a property of the store.
 */
public enum Compression {
    /** LZ4 (the default): fast enough to keep up with the dump; frames that do not shrink are stored raw. */
    LZ4,
    /** Zstandard: smaller packs for a few times the CPU; needs the system's libzstd. */
    ZSTD,
    /** Frames stored as they are. */
    NONE;

    /** Fails with one line naming what is missing when this codec cannot be used on this machine. */
    public void checkAvailable() throws StoreException {
        dev.cryo.store.pack.FrameCodec.checkAvailable(this);
    }
}
