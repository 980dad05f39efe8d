package dev.cryo.engine.memfd;

import dev.cryo.engine.DumpSession;
import dev.cryo.engine.RestoreSession;
import dev.cryo.image.fd.MemfdFd;
import dev.cryo.image.mm.VmaEntry;
import dev.cryo.image.mm.VmaKind;
import dev.cryo.linux.fd.RemoteFds;
import dev.cryo.linux.syscall.SysNr;
import dev.cryo.linux.syscall.Syscall;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * memfd descriptors: content (once per object, shared with the object's mappings), name, offset, seals.
 * At restore, a memfd that the process also maps is opened again through its mapping
 * (/proc/self/map_files), so that descriptor and mapping stay one object; one that is not mapped is
 * re-created from its content. Seals go back last.
 */
public final class MemfdHandler {
    private static final int F_GET_SEALS = 1034, F_ADD_SEALS = 1033, F_SETFL = 4, O_ACCMODE = 3, O_APPEND = 02000,
            O_NONBLOCK = 04000, O_CLOEXEC = 02000000, AT_FDCWD = -100;

    public MemfdFd dump(DumpSession s, int pidfd, int fd, int fdFlags, int openFlags, long position, String target)
            throws IOException {
        Path link = Path.of("/proc/" + s.pid() + "/fd/" + fd);
        String blob = s.ghosts().save((long) Files.getAttribute(link, "unix:ino"), link);
        int local = RemoteFds.getfd(pidfd, fd);
        int seals;
        try {
            seals = (int) Syscall.call("fcntl(F_GET_SEALS) on memfd fd " + fd, SysNr.FCNTL, local, F_GET_SEALS, 0);
        } finally {
            RemoteFds.close(local);
        }
        return new MemfdFd(fd, fdFlags, openFlags, Memfds.name(target), position, seals, blob);
    }

    public long restore(RestoreSession s, MemfdFd m) throws IOException {
        var inj = s.main();
        VmaEntry mapping = s.image().vmas().stream()
                .filter(v -> v.kind() == VmaKind.MEMFD_SHARED && m.contentBlob().equals(v.ghostBlob())).findFirst().orElse(null);
        long fd;
        if (mapping != null) {
            s.resetArgs();
            String path = "/proc/self/map_files/" + Long.toHexString(mapping.start()) + "-" + Long.toHexString(mapping.end());
            fd = inj.call("open memfd " + m.name() + " through its mapping", SysNr.OPENAT, AT_FDCWD, s.putString(path),
                    (m.openFlags() & (O_ACCMODE | O_APPEND)) | O_CLOEXEC, 0);
        } else {
            fd = Memfds.create(s, m.name(), m.contentBlob());
        }
        inj.call("fcntl(F_SETFL) on memfd " + m.name(), SysNr.FCNTL, fd, F_SETFL, m.openFlags() & (O_APPEND | O_NONBLOCK));
        if (m.position() != 0) inj.call("lseek memfd " + m.name(), SysNr.LSEEK, fd, m.position(), 0);
        if (m.seals() != 0) inj.call("fcntl(F_ADD_SEALS) on memfd " + m.name(), SysNr.FCNTL, fd, F_ADD_SEALS, m.seals());
        return fd;
    }
}
