package dev.cryo.store;

import java.time.Instant;
import java.util.Map;

/**
 * What {@code ls} shows of a checkpoint without decoding its metadata.
 *
 * @param logicalBytes the size of all its blobs as the application sees them
 * @param addedBytes   what this checkpoint added to the store (after dedup and compression)
 */
public record CheckpointInfo(String id, Instant created, long logicalBytes, long addedBytes, Map<String, String> labels) {

    public String name() {
        return labels.getOrDefault("name", "");
    }
}
