package dev.cryo.cli.output;

import dev.cryo.store.GcReport;

import java.util.Locale;

/** What {@code cryo gc} reports; --json keys: packs_deleted, packs_rewritten, bytes_freed, live_chunks. */
public record GcSummary(int packsDeleted, int packsRewritten, long bytesFreed, long liveChunks) {

    public static GcSummary of(GcReport r) {
        return new GcSummary(r.packsDeleted(), r.packsRewritten(), r.bytesFreed(), r.liveChunks());
    }

    public String text() {
        return String.format(Locale.ROOT, "freed %s: %s deleted, %s rewritten; %s still in use%n",
                ByteSize.format(Math.max(0, bytesFreed)), Plural.of(packsDeleted, "pack", "packs"),
                Plural.of(packsRewritten, "pack", "packs"), Plural.of(liveChunks, "chunk", "chunks"));
    }
}
