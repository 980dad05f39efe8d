package dev.cryo.linux.proc;

/**
 * One line of /proc/PID/maps.
 *
 * @param path the file path, a pseudo name like "[heap]", or "" for anonymous memory; a file that has
 *             been unlinked keeps its " (deleted)" suffix here (see {@link #deleted()})
 */
public record MapsEntry(long start, long end, boolean read, boolean write, boolean exec, boolean shared,
                        long offset, int devMajor, int devMinor, long inode, String path) {

    public long length() {
        return end - start;
    }

    /** A mapping of a file (inode != 0), as opposed to anonymous memory or a kernel special. */
    public boolean isFile() {
        return inode != 0;
    }

    public boolean deleted() {
        return isFile() && path.endsWith(" (deleted)");
    }

    /** The path without a " (deleted)" suffix. */
    public String filePath() {
        return deleted() ? path.substring(0, path.length() - " (deleted)".length()) : path;
    }

    /** [vdso], [vvar], [vvar_vclock]: mapped by the kernel, moved rather than restored. */
    public boolean isVdsoOrVvar() {
        return path.equals("[vdso]") || path.startsWith("[vvar");
    }

    public String perms() {
        return (read ? "r" : "-") + (write ? "w" : "-") + (exec ? "x" : "-") + (shared ? "s" : "p");
    }
}
