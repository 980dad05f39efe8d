package dev.cryo.engine;

/** Receives progress of long work (the CLI shows it on a terminal). Called from engine threads. */
@FunctionalInterface
public interface Progress {
    Progress NONE = (phase, done, total) -> { };

    /** {@code total} is -1 when unknown. */
    void update(String phase, long done, long total);
}
