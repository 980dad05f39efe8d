package dev.cryo.linux.errno;

/** EPERM or EACCES. */
public final class PermissionException extends ErrnoException {
    public PermissionException(String call, int errno) {
        super(call, errno);
    }
}
