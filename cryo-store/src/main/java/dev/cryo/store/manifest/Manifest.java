package dev.cryo.store.manifest;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A checkpoint as stored: the engine's opaque metadata, labels, and for every blob its size and one chunk
 * key per 4 KiB page (lo/hi pairs in {@code keys}; (0, 0) marks an all-zero page that is not stored).
 */
public record Manifest(Instant created, long logicalBytes, long addedBytes, Map<String, String> labels,
        byte[] metadata, List<Blob> blobs) {

    public record Blob(String name, long size, long[] keys) {
        public int pages() {
            return keys.length / 2;
        }
    }

    public Blob blob(String name) {
        for (Blob b : blobs) {
            if (b.name().equals(name)) {
                return b;
            }
        }
        return null;
    }
}
