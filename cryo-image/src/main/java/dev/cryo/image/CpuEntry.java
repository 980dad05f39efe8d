package dev.cryo.image;

/**
 * The CPU features a checkpoint's register state depends on.
 *
 * @param xfeatures the XCR0 mask of state components the dumped xsave areas may use; a restore
 *                  refuses a CPU whose XCR0 lacks any of them (AVX state cannot be put back on a CPU
 *                  without AVX)
 * @param xsaveSize the size of the xsave area the kernel reported
 */
public record CpuEntry(String vendor, String model, long xfeatures, int xsaveSize) {
}
