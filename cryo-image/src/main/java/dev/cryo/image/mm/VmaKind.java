package dev.cryo.image.mm;

/** How a memory area comes back. */
public enum VmaKind {
    /** Anonymous private memory (heap, stacks, malloc arenas): re-created empty, then filled. */
    ANONYMOUS,
    /** A private file mapping: the file is mapped again, then pages that differed from it are written. */
    FILE_PRIVATE,
    /** A shared file mapping: the file is the content. */
    FILE_SHARED,
    /** A shared mapping of a file deleted since: the file is re-created from its saved content, then mapped. */
    DELETED_FILE_SHARED,
    /** A private mapping of a file that has been deleted: re-created anonymous and filled entirely. */
    DELETED_FILE_PRIVATE,
    /** [vdso], [vvar], [vvar_vclock]: moved to the recorded address, never written. */
    VDSO,
    VVAR,
    /** Shared anonymous memory (MAP_SHARED|MAP_ANONYMOUS) held by this process only: re-created shared, then filled. */
    SHARED_ANONYMOUS,
    /**
     * A shared mapping of a memfd: its content is saved once (ghostBlob) for all its mappings and
     * descriptors, and one memfd is re-created for all of them.
     */
    MEMFD_SHARED,
    /**
     * SysV shared memory (shmat) of a group's own IPC namespace: the segment is re-created (with its id and
     * content) once for the namespace, and attached again at the same address with the same protection.
     */
    SYSV_SHM
}
