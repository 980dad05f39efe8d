package dev.cryo.engine.memfd;

import dev.cryo.engine.RestoreSession;
import dev.cryo.linux.syscall.SysNr;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Re-creates a memfd inside the task from its saved content (re-created as a file by the ghost file
 * restorer): memfd_create under its old name, then the content copied in with sendfile, all inside the
 * task, so the bytes never pass through cryo again. Always created with MFD_ALLOW_SEALING, so that its
 * seals can be put back as they were (a memfd made without it reads F_SEAL_SEAL, which is added then).
 */
public final class Memfds {
    private static final int MFD_CLOEXEC = 1, MFD_ALLOW_SEALING = 2, O_RDONLY = 0, O_CLOEXEC = 02000000, AT_FDCWD = -100;

    private Memfds() {}

    /** "memfd:NAME (deleted)" (a mapping's or descriptor's path, with or without the leading slash) -> "NAME". */
    public static String name(String path) {
        String p = path.startsWith("/") ? path.substring(1) : path;
        if (p.startsWith("memfd:")) p = p.substring(6);
        return p.endsWith(" (deleted)") ? p.substring(0, p.length() - 10) : p;
    }

    /** A new memfd in the task holding the content of {@code blob}; returns its descriptor, at offset 0. */
    public static long create(RestoreSession s, String name, String blob) throws IOException {
        var inj = s.main();
        String source = s.ghostPath(blob);
        long size = Files.size(Path.of(source));
        s.resetArgs();
        long fd = inj.call("memfd_create(" + name + ")", SysNr.MEMFD_CREATE, s.putString(name), MFD_CLOEXEC | MFD_ALLOW_SEALING, 0);
        inj.call("ftruncate memfd " + name, SysNr.FTRUNCATE, fd, size, 0);
        s.resetArgs();
        long src = inj.call("open the saved content of memfd " + name, SysNr.OPENAT, AT_FDCWD, s.putString(source),
                O_RDONLY | O_CLOEXEC, 0);
        try {
            for (long done = 0; done < size; ) {
                long n = inj.call("sendfile into memfd " + name, SysNr.SENDFILE, fd, src, 0, size - done);
                if (n == 0) throw new IOException("memfd " + name + ": its saved content ended after " + done + " of " + size + " bytes");
                done += n;
            }
        } finally {
            inj.raw(SysNr.CLOSE, src, 0, 0, 0, 0, 0);
        }
        inj.call("lseek memfd " + name, SysNr.LSEEK, fd, 0, 0);
        return fd;
    }
}
