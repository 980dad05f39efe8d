package dev.cryo.engine.memory;

import dev.cryo.engine.inject.SyscallInjector;
import dev.cryo.linux.errno.ErrnoException;
import dev.cryo.linux.fd.RemoteFds;
import dev.cryo.linux.syscall.SysNr;
import dev.cryo.linux.syscall.Syscall;
import dev.cryo.linux.uffd.Userfaultfd;

import java.io.IOException;

/**
 * A userfaultfd of another (stopped) process's memory, held by us: created inside it by an injected call
 * (a userfaultfd always belongs to the memory of its creator), pulled into ours with pidfd_getfd, and
 * closed there again at once, so the process never sees it and our close is the last one (which
 * unregisters every area).
 */
final class RemoteUserfaultfd {
    private RemoteUserfaultfd() {}

    /**
     * @param inj a thread of the process, stopped for injection
     * @param pid the process as seen from our PID namespace
     * @return a descriptor of ours on which no API call was made yet
     */
    static Userfaultfd create(SyscallInjector inj, int pid) throws IOException {
        long fd = inj.raw(SysNr.USERFAULTFD, Userfaultfd.CREATE_FLAGS, 0, 0, 0, 0, 0);
        if (fd == -1 /* EPERM: vm.unprivileged_userfaultfd=0 and the process lacks CAP_SYS_PTRACE */) {
            // neither user of ours waits for a fault, so faults of user mode only lose nothing
            fd = inj.raw(SysNr.USERFAULTFD, Userfaultfd.CREATE_FLAGS | Userfaultfd.USER_MODE_ONLY, 0, 0, 0, 0, 0);
        }
        if (Syscall.failed(fd)) throw ErrnoException.of("userfaultfd in pid " + pid, (int) -fd);
        try {
            int pidfd = RemoteFds.pidfdOpen(pid);
            try {
                return new Userfaultfd(RemoteFds.getfd(pidfd, (int) fd));
            } finally {
                RemoteFds.close(pidfd);
            }
        } finally {
            inj.raw(SysNr.CLOSE, fd, 0, 0, 0, 0, 0);
        }
    }
}
