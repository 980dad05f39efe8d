package dev.cryo.engine;

import dev.cryo.store.Store;

/** Restores checkpoints from a store. */
public final class Restorer {
    private final Store store;
    private final Progress progress;

    public Restorer(Store store, Progress progress) {
        this.store = store;
        this.progress = progress;
    }

    /**
     * Restores the checkpoint {@code ref} (id, prefix or name). The image is verified before any
     * process is created.
     */
    public Restoration restore(String ref, RestoreOptions options) throws EngineException {
        throw new EngineException("restore: not implemented yet");
    }
}
