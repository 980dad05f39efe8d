package dev.cryo.store;

/**
 * Result of {@link Store#gc}.
 *
 * @param packsDeleted   packs removed because nothing live was left in them (or no index named them)
 * @param packsRewritten packs whose live chunks were copied into new packs before removal
 * @param bytesFreed     net bytes returned to the filesystem
 * @param liveChunks     chunks still referenced by some checkpoint
 */
public record GcReport(int packsDeleted, int packsRewritten, long bytesFreed, long liveChunks) {}
