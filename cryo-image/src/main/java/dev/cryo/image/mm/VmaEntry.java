package dev.cryo.image.mm;

/**
 * One memory area.
 *
 * @param prot       PROT_* bits
 * @param flags      MAP_* bits the area is re-created with (PRIVATE or SHARED, ANONYMOUS, GROWSDOWN)
 * @param path       the mapped file, or the kernel's name ("[heap]", "[stack]", "[vdso]"), or "" when anonymous
 * @param kind       how the area is restored
 * @param pageRuns   the dumped pages, as pairs (first page index within the area, page count)
 * @param blobOffset where the first dumped page of this area sits in the process's memory blob
 * @param ghostBlob  for a shared mapping of a deleted file: the blob with the file's content, else null
 * @param shmid      for SysV shared memory: the segment's id (fileOffset is the area's offset in it), else -1
 */
public record VmaEntry(long start, long end, int prot, int flags, long fileOffset, String path, VmaKind kind,
                       long[] pageRuns, long blobOffset, String ghostBlob, int shmid) {

    public VmaEntry(long start, long end, int prot, int flags, long fileOffset, String path, VmaKind kind,
                    long[] pageRuns, long blobOffset, String ghostBlob) {
        this(start, end, prot, flags, fileOffset, path, kind, pageRuns, blobOffset, ghostBlob, -1);
    }

    public long length() {
        return end - start;
    }

    public long dumpedPages() {
        long n = 0;
        for (int i = 1; i < pageRuns.length; i += 2) n += pageRuns[i];
        return n;
    }
}
