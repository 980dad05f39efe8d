package dev.cryo.image.fd;

/**
 * A memfd (memfd_create). Its content is saved once per object, shared with its shared mappings
 * (VmaKind.MEMFD_SHARED, same {@code contentBlob}), so descriptor and mappings come back as one object.
 *
 * @param name        the name it was created with (without "memfd:")
 * @param seals       F_GET_SEALS (F_SEAL_SEAL alone for a memfd made without MFD_ALLOW_SEALING)
 * @param contentBlob the store blob with its whole content
 */
public record MemfdFd(int fd, int fdFlags, int openFlags, String name, long position, int seals, String contentBlob)
        implements FdEntry {
}
