package dev.cryo.image.mm;

/**
 * The mm fields of a process (what PR_SET_MM_MAP restores), its auxiliary vector and executable.
 */
public record MmEntry(long startCode, long endCode, long startData, long endData, long startBrk, long brk,
                      long startStack, long argStart, long argEnd, long envStart, long envEnd, byte[] auxv,
                      String exe) {
}
