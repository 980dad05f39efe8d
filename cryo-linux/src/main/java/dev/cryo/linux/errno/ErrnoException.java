package dev.cryo.linux.errno;

import java.io.IOException;

/**
 * A system call failed. Keeps the errno and the call so callers can branch on the few values they
 * act on; subclasses exist only where callers branch ({@link NoSuchProcessException},
 * {@link PermissionException}).
 */
public class ErrnoException extends IOException {
    private final int errno;
    private final String call;

    public ErrnoException(String call, int errno) {
        super(call + ": " + Errno.describe(errno));
        this.call = call;
        this.errno = errno;
    }

    public int errno() {
        return errno;
    }

    public Errno code() {
        return Errno.of(errno);
    }

    public String call() {
        return call;
    }

    /** The right exception type for an errno. */
    public static ErrnoException of(String call, int errno) {
        return switch (Errno.of(errno)) {
            case ESRCH -> new NoSuchProcessException(call);
            case EPERM, EACCES -> new PermissionException(call, errno);
            default -> new ErrnoException(call, errno);
        };
    }
}
