package dev.cryo.linux.errno;

/** ESRCH: the process or thread is gone (or, for ptrace, not stopped for us). */
public final class NoSuchProcessException extends ErrnoException {
    public NoSuchProcessException(String call) {
        super(call, Errno.ESRCH.number());
    }
}
