package dev.cryo.store;

import java.nio.file.Path;

/**
 * The only class that knows where things live inside a store directory (restic-like):
 * {@code config}, {@code packs/xx/<id>}, {@code index/<id>}, {@code manifests/<id>}, {@code locks/}, {@code tmp/}.
 */
public record StoreLayout(Path root) {

    public StoreLayout {
        root = root.toAbsolutePath().normalize();
    }

    public Path config() {
        return root.resolve("config");
    }

    public Path tmpDir() {
        return root.resolve("tmp");
    }

    public Path packsDir() {
        return root.resolve("packs");
    }

    /** Packs are fanned out by the first two hex digits so no directory grows huge. */
    public Path packDir(String packId) {
        return packsDir().resolve(packId.substring(0, 2));
    }

    public Path pack(String packId) {
        return packDir(packId).resolve(packId);
    }

    public Path indexDir() {
        return root.resolve("index");
    }

    public Path index(String indexId) {
        return indexDir().resolve(indexId);
    }

    public Path manifestsDir() {
        return root.resolve("manifests");
    }

    public Path manifest(String id) {
        return manifestsDir().resolve(id);
    }

    public Path locksDir() {
        return root.resolve("locks");
    }

    public Path lockFile() {
        return locksDir().resolve("store.lock");
    }

    /** The directories that must exist in every store, in creation order. */
    public Path[] directories() {
        return new Path[] {root, tmpDir(), packsDir(), indexDir(), manifestsDir(), locksDir()};
    }

    /** How a file is named in messages: relative to the store, so the user sees which object is damaged. */
    public String describe(Path file) {
        Path abs = file.toAbsolutePath().normalize();
        return abs.startsWith(root) ? root + "/" + root.relativize(abs) : abs.toString();
    }
}
