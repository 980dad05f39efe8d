package dev.cryo.engine.files;

import dev.cryo.engine.InheritedStdio;
import dev.cryo.engine.RestoreOptions;
import dev.cryo.engine.RestoreSession;
import dev.cryo.image.fd.ExternalFd;

import java.io.IOException;

/**
 * Descriptors that led outside the checkpoint (a terminal, a pipe to a process not checkpointed). They
 * cannot be re-created, so they are connected per --stdio: to the restorer's own stdin/stdout/stderr
 * (inherit), to /dev/null (null), or to a log file (log). Read ends go to stdin or /dev/null, write
 * ends to stdout/stderr or the log. Outside descriptors other than 0, 1 and 2 (a pipe inherited from
 * whatever started the process) are connected to /dev/null, with a warning naming them: tying them
 * to our own stdout would keep a caller's pipe open for the life of the restored process.
 */
final class ExternalFdHandler {
    private static final int O_ACCMODE = 3, O_RDONLY = 0, O_WRONLY = 1, O_RDWR = 2, O_CREAT = 0100, O_APPEND = 02000,
            AT_FDCWD = -100;

    /** Opens the replacement inside the task; returns its (temporary) descriptor. */
    long open(RestoreSession s, ExternalFd e) throws IOException {
        int access = e.openFlags() & O_ACCMODE;
        boolean reads = access == O_RDONLY;
        RestoreOptions.StdioMode mode = s.options().stdio();
        String path;
        int flags;
        if (e.fd() > 2) mode = RestoreOptions.StdioMode.NULL;
        switch (mode) {
            case INHERIT -> {
                int ours = e.fd() <= 2 ? e.fd() : (reads ? 0 : 1);
                path = "/proc/" + ProcessHandle.current().pid() + "/fd/" + InheritedStdio.fd(ours);
                flags = access;
            }
            case NULL -> {
                if (e.fd() > 2) {
                    s.warn("pid " + s.pid() + ": fd " + e.fd() + " led outside the checkpoint (" + e.description()
                            + "): connected to /dev/null");
                }
                path = "/dev/null";
                flags = access;
            }
            default -> {
                if (reads || s.options().logFile() == null) {
                    path = "/dev/null";
                    flags = access;
                } else {
                    path = s.options().logFile().toString();
                    flags = O_WRONLY | O_CREAT | O_APPEND;
                }
            }
        }
        s.resetArgs();
        long fd = s.main().raw(dev.cryo.linux.syscall.SysNr.OPENAT, AT_FDCWD, s.putString(path), flags, 0600, 0, 0);
        if (fd < 0) {
            throw new IOException("fd " + e.fd() + " (was " + e.description() + "): cannot connect it to " + path
                    + " with --stdio " + mode.name().toLowerCase() + ": " + dev.cryo.linux.errno.Errno.describe((int) -fd)
                    + (mode == RestoreOptions.StdioMode.INHERIT ? " (try --stdio null or --stdio log)" : ""));
        }
        return fd;
    }
}
