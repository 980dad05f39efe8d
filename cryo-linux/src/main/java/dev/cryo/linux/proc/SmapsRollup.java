package dev.cryo.linux.proc;

/**
 * /proc/PID/smaps_rollup: the smaps counters summed over all areas, in bytes. Cheap to read, for sizing a dump
 * before walking the areas.
 */
public record SmapsRollup(
        long start,
        long end,
        long rss,
        long pss,
        long pssDirty,
        long pssAnon,
        long pssFile,
        long pssShmem,
        long sharedClean,
        long sharedDirty,
        long privateClean,
        long privateDirty,
        long anonymous,
        long swap,
        long swapPss,
        long locked
) {
}
