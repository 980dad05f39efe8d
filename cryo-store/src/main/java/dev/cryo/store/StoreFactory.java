package dev.cryo.store;

import java.io.IOException;
import java.nio.file.Path;

/** Chooses the store implementation (kept out of the interface so it can change behind it). */
final class StoreFactory {
    private StoreFactory() {}

    static Store open(Path dir) throws IOException {
        return ContentStore.open(dir);
    }
}
