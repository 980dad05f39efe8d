package dev.cryo.engine.memory;

import dev.cryo.engine.DumpSession;
import dev.cryo.linux.errno.ErrnoException;
import dev.cryo.linux.fd.RemoteFds;
import dev.cryo.linux.mem.NativeBuffer;
import dev.cryo.linux.syscall.SysNr;
import dev.cryo.linux.syscall.Syscall;
import dev.cryo.linux.uffd.PagemapScan;
import dev.cryo.linux.uffd.Userfaultfd;

import java.io.IOException;

/**
 * Which pages of a process were written since its last checkpoint, from its page tables: a userfaultfd
 * of the process in asynchronous write-protect mode (the kernel resolves the write faults itself and
 * clears the pages' protection), read and re-armed by PAGEMAP_SCAN in one call per area.
 *
 * <p>The userfaultfd is created inside the process by an injected call and pulled into ours; between
 * checkpoints someone must hold it (a {@link TrackerKeeper}, or a supervisor that holds this object),
 * since closing the last descriptor unregisters every area and the record of writes is lost.
 */
public final class DirtyTracker implements AutoCloseable {
    private final int pid;
    private final Userfaultfd uffd;
    private final PagemapScan scan;

    private DirtyTracker(int pid, Userfaultfd uffd) throws ErrnoException {
        this.pid = pid;
        this.uffd = uffd;
        this.scan = new PagemapScan(pid);
    }

    /**
     * Creates a userfaultfd in the frozen process (an injected call, its descriptor closed there again
     * before the process runs) and enables async write-protection on it. No area is protected yet.
     */
    public static DirtyTracker arm(DumpSession s) throws IOException {
        long fd = s.injector(s.pid()).raw(SysNr.USERFAULTFD, Userfaultfd.CREATE_FLAGS, 0, 0, 0, 0, 0);
        if (fd == -1 /* EPERM: vm.unprivileged_userfaultfd=0 and the process lacks CAP_SYS_PTRACE */) {
            // async write-protection resolves faults in the kernel, so user-mode-only loses nothing
            fd = s.injector(s.pid()).raw(SysNr.USERFAULTFD, Userfaultfd.CREATE_FLAGS | Userfaultfd.USER_MODE_ONLY,
                    0, 0, 0, 0, 0);
        }
        if (Syscall.failed(fd)) throw ErrnoException.of("userfaultfd in pid " + s.pid(), (int) -fd);
        int mine;
        try {
            int pidfd = RemoteFds.pidfdOpen(s.pid());
            try {
                mine = RemoteFds.getfd(pidfd, (int) fd);
            } finally {
                RemoteFds.close(pidfd);
            }
        } finally {
            s.injector(s.pid()).raw(SysNr.CLOSE, fd, 0, 0, 0, 0, 0);
        }
        Userfaultfd u = new Userfaultfd(mine);
        try {
            u.enableAsyncWriteProtect();
            return new DirtyTracker(s.pid(), u);
        } catch (ErrnoException e) {
            u.close();
            throw e;
        }
    }

    /**
     * A tracker from a userfaultfd of {@code pid} that is armed already, taken over (this object owns
     * {@code fd}); its first scan is made now, of page 0 (never mapped), so that the one in the freeze
     * finds every native binding ready.
     */
    public static DirtyTracker adopt(int pid, int fd) throws IOException {
        Userfaultfd u = new Userfaultfd(fd);
        try {
            DirtyTracker t = new DirtyTracker(pid, u);
            t.scan.collectWritten(0, NativeBuffer.PAGE, (from, to) -> { });
            return t;
        } catch (IOException e) {
            u.close();
            throw e;
        }
    }

    public int pid() {
        return pid;
    }

    /** The userfaultfd's number in this process (for handing it to a keeper). */
    public int fd() {
        return uffd.fd();
    }

    /**
     * Reports the pages of [start, end) written since they were last protected, and protects them again.
     * False, having reported nothing, when the area is not tracked (new, moved, or refused by the kernel).
     */
    boolean collectWritten(long start, long end, PagemapScan.RangeVisitor visitor) throws IOException {
        return scan.collectWritten(start, end, visitor);
    }

    /**
     * Starts tracking [start, end) (one whole area) from now on: registers and write-protects it. False if
     * the kernel refuses the area; it is then dumped whole every time.
     */
    boolean track(long start, long end) {
        if (uffd.register(start, end) != 0) return false;
        try {
            uffd.writeProtect(start, end);
            return true;
        } catch (ErrnoException e) {
            return false; // registered but unprotected: its pages read as written, so nothing is missed
        }
    }

    @Override
    public void close() {
        scan.close();
        uffd.close();
    }
}
