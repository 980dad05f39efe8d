package dev.cryo.engine.memory;

import dev.cryo.image.mm.VmaEntry;
import dev.cryo.store.BlobReader;

import java.util.List;

/**
 * The checkpoint an incremental one builds on: its memory areas (which pages it holds and where they sit
 * in its memory blob) and that blob, open, so that unchanged pages can be referred to by key.
 */
public record Baseline(String id, List<VmaEntry> vmas, BlobReader blob) {
}
