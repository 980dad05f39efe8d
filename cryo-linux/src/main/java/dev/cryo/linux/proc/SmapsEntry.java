package dev.cryo.linux.proc;

/**
 * One memory area of /proc/PID/smaps. Sizes are in bytes (the file prints kB).
 *
 * @param start       first address
 * @param end         address after the last byte
 * @param perms       the four permission characters, e.g. "rw-p" ("s" in the last place: shared)
 * @param offset      file offset of {@code start}
 * @param inode       inode of the mapped file, 0 when anonymous
 * @param path        mapped file, "[heap]"/"[stack]"/"[vdso]"-style pseudo name, or "" for an anonymous area;
 *                    without the " (deleted)" suffix, with '\n' (printed as \012, the only escape maps uses) decoded
 * @param deleted     the path ended in " (deleted)": the file was unlinked and its content must come from
 *                    map_files (a file really named "x (deleted)" reads the same: the kernel does not tell them apart)
 * @param thpEligible the area may be backed by transparent huge pages
 * @param vmFlags     the VmFlags mnemonics ("rd", "wr", "dd", "gd", "io", "pf"...)
 */
public record SmapsEntry(
        long start,
        long end,
        String perms,
        long offset,
        long inode,
        String path,
        boolean deleted,
        long size,
        long rss,
        long pss,
        long sharedClean,
        long sharedDirty,
        long privateClean,
        long privateDirty,
        long anonymous,
        long swap,
        long locked,
        boolean thpEligible,
        VmFlagSet vmFlags
) {

    public long length() {
        return end - start;
    }

    /** No file behind it and no pseudo name: plain anonymous memory. */
    public boolean isAnonymous() {
        return path.isEmpty();
    }

    /** "[heap]", "[stack]", "[vdso]", "[vvar]", "[vsyscall]", "[anon:name]", "[anon_shmem:name]"... */
    public boolean isPseudo() {
        return !path.isEmpty() && path.charAt(0) == '[';
    }

    /** A memfd ("/memfd:NAME (deleted)"): its content lives only in memory and must be saved like anonymous memory. */
    public boolean isMemfd() {
        return deleted && path.startsWith("/memfd:");
    }

    /** A System V shared memory segment ("/SYSV0000002a (deleted)"). */
    public boolean isSysvShm() {
        return deleted && path.startsWith("/SYSV");
    }

    public boolean isShared() {
        return perms.charAt(3) == 's';
    }

    public boolean isReadable() {
        return perms.charAt(0) == 'r';
    }

    public boolean isWritable() {
        return perms.charAt(1) == 'w';
    }

    public boolean isExecutable() {
        return perms.charAt(2) == 'x';
    }
}
