package dev.cryo.linux.uffd;

import dev.cryo.linux.errno.ErrnoException;
import dev.cryo.linux.errno.Errno;
import dev.cryo.linux.fd.RemoteFds;
import dev.cryo.linux.syscall.Scratch;
import dev.cryo.linux.syscall.SysNr;
import dev.cryo.linux.syscall.Syscall;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A userfaultfd held by this process, for two jobs that never wait for a fault: asynchronous
 * write-protection (the kernel resolves the faults itself and records which pages were written, for
 * {@link PagemapScan} to collect), and filling fresh memory with {@link #copy UFFDIO_COPY} (a restore). The
 * descriptor may belong to another process's memory (created there, pulled in with pidfd_getfd): every
 * call acts on the memory of the process that created it.
 */
public final class Userfaultfd implements AutoCloseable {
    /** Flags for creating one: O_CLOEXEC | O_NONBLOCK; {@link #USER_MODE_ONLY} where the caller lacks privilege. */
    public static final int CREATE_FLAGS = 02000000 | 04000, USER_MODE_ONLY = 1;
    /** Write-protect faults resolved by the kernel, and none-ptes protected too (kernel 6.7+). */
    public static final long FEATURE_WP_UNPOPULATED = 1L << 13, FEATURE_WP_ASYNC = 1L << 15;
    /** A fault in a registered area that is still missing raises SIGBUS (EFAULT for process_vm_writev) instead of waiting. */
    private static final long FEATURE_SIGBUS = 1L << 7;
    private static final long UFFD_API = 0xAA;
    // _IOWR(0xAA, nr, size)
    private static final long UFFDIO_API = ioWr(0x3F, 24), UFFDIO_REGISTER = ioWr(0x00, 32),
            UFFDIO_WRITEPROTECT = ioWr(0x06, 24), UFFDIO_COPY = ioWr(0x03, 40);
    private static final long REGISTER_MODE_MISSING = 1, REGISTER_MODE_WP = 2, WRITEPROTECT_MODE_WP = 1,
            COPY_MODE_DONTWAKE = 1;

    private final int fd;
    private final MemorySegment arg = Arena.ofAuto().allocate(32, 8);
    private boolean closed;

    /** Takes ownership of {@code fd}, a userfaultfd descriptor of this process on which no API call was made. */
    public Userfaultfd(int fd) {
        this.fd = fd;
    }

    static long ioWr(int nr, int size) {
        return (3L << 30) | ((long) size << 16) | (0xAAL << 8) | nr;
    }

    public int fd() {
        return fd;
    }

    /** UFFDIO_API with async write-protection (done once, by whoever first holds the descriptor). */
    public void enableAsyncWriteProtect() throws ErrnoException {
        arg.set(ValueLayout.JAVA_LONG, 0, UFFD_API);
        arg.set(ValueLayout.JAVA_LONG, 8, FEATURE_WP_ASYNC | FEATURE_WP_UNPOPULATED);
        arg.set(ValueLayout.JAVA_LONG, 16, 0);
        Syscall.call("ioctl(UFFDIO_API, WP_ASYNC|WP_UNPOPULATED)", SysNr.IOCTL, fd, UFFDIO_API, arg.address());
    }

    /**
     * UFFDIO_API for {@link #copy filling} (done once, by whoever first holds the descriptor): a fault in a
     * registered area that is still empty fails at once (SIGBUS, EFAULT for process_vm_writev) instead of
     * waiting for a reader that will never come.
     */
    public void enableFill() throws ErrnoException {
        arg.set(ValueLayout.JAVA_LONG, 0, UFFD_API);
        arg.set(ValueLayout.JAVA_LONG, 8, FEATURE_SIGBUS);
        arg.set(ValueLayout.JAVA_LONG, 16, 0);
        Syscall.call("ioctl(UFFDIO_API, SIGBUS)", SysNr.IOCTL, fd, UFFDIO_API, arg.address());
    }

    /**
     * Registers [start, end) for {@link #copy filling} (missing-page mode); returns 0 or the kernel's -errno
     * (EINVAL for an area that is not anonymous memory, EBUSY for one another userfaultfd holds).
     */
    public int registerMissing(long start, long end) {
        return register(start, end, REGISTER_MODE_MISSING);
    }

    /**
     * UFFDIO_COPY: allocates the missing pages of [dst, dst+len) (registered with {@link #registerMissing})
     * and copies {@code len} bytes of ours from {@code src} into them, without zeroing them first and without
     * a fault per page; no thread is woken (none waits). Returns the bytes copied (short when the kernel
     * stopped early, e.g. at a page that is present already), or the kernel's -errno if it copied none
     * (EEXIST: the first page is present). Thread-safe: its argument lives in the calling thread's scratch.
     */
    public long copy(long dst, long src, long len) {
        MemorySegment a = Scratch.get();
        a.set(ValueLayout.JAVA_LONG, 0, dst);
        a.set(ValueLayout.JAVA_LONG, 8, src);
        a.set(ValueLayout.JAVA_LONG, 16, len);
        a.set(ValueLayout.JAVA_LONG, 24, COPY_MODE_DONTWAKE);
        a.set(ValueLayout.JAVA_LONG, 32, 0);
        long r = Syscall.raw(SysNr.IOCTL, fd, UFFDIO_COPY, a.address(), 0, 0, 0);
        long copied = a.get(ValueLayout.JAVA_LONG, 32);
        if (copied > 0) return copied;
        return r < 0 ? r : copied < 0 ? copied : -Errno.EAGAIN.number();
    }

    /**
     * Registers [start, end) for write-protection; returns 0 or the kernel's -errno (EINVAL for areas it
     * cannot track, EBUSY for an area another userfaultfd holds), so the caller can treat such areas as
     * always dirty.
     */
    public int register(long start, long end) {
        return register(start, end, REGISTER_MODE_WP);
    }

    private int register(long start, long end, long mode) {
        arg.set(ValueLayout.JAVA_LONG, 0, start);
        arg.set(ValueLayout.JAVA_LONG, 8, end - start);
        arg.set(ValueLayout.JAVA_LONG, 16, mode);
        arg.set(ValueLayout.JAVA_LONG, 24, 0);
        long r = Syscall.raw(SysNr.IOCTL, fd, UFFDIO_REGISTER, arg.address(), 0, 0, 0);
        return r < 0 ? (int) r : 0;
    }

    /** Write-protects [start, end), populated or not: the next write to any of its pages marks it written. */
    public void writeProtect(long start, long end) throws ErrnoException {
        arg.set(ValueLayout.JAVA_LONG, 0, start);
        arg.set(ValueLayout.JAVA_LONG, 8, end - start);
        arg.set(ValueLayout.JAVA_LONG, 16, WRITEPROTECT_MODE_WP);
        Syscall.call("ioctl(UFFDIO_WRITEPROTECT) of " + Long.toHexString(start) + "-" + Long.toHexString(end),
                SysNr.IOCTL, fd, UFFDIO_WRITEPROTECT, arg.address());
    }

    /**
     * Removes the write-protection of [start, end): its pages read as written until protected again, and
     * writing them takes no fault.
     */
    public void unprotect(long start, long end) throws ErrnoException {
        arg.set(ValueLayout.JAVA_LONG, 0, start);
        arg.set(ValueLayout.JAVA_LONG, 8, end - start);
        arg.set(ValueLayout.JAVA_LONG, 16, 0);
        Syscall.call("ioctl(UFFDIO_WRITEPROTECT, off) of " + Long.toHexString(start) + "-" + Long.toHexString(end),
                SysNr.IOCTL, fd, UFFDIO_WRITEPROTECT, arg.address());
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            RemoteFds.close(fd);
        }
    }
}
