package dev.cryo.engine.events;

import dev.cryo.engine.RestoreSession;
import dev.cryo.image.fd.EventFd;
import dev.cryo.linux.proc.FdInfo;
import dev.cryo.linux.proc.FdInfoParser;
import dev.cryo.linux.syscall.SysNr;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * eventfd: its counter and EFD_SEMAPHORE, from fdinfo. Re-created empty and the counter written into it
 * (eventfd2 takes only a 32-bit initial value; the counter is 64 bits).
 */
public final class EventFdHandler {
    private static final int EFD_SEMAPHORE = 1, O_NONBLOCK = 04000, O_CLOEXEC = 02000000;

    public EventFd dump(int pid, int fd, int fdFlags, int openFlags) throws IOException {
        FdInfo.EventFd info = FdInfoParser.read(pid, fd).detail(FdInfo.EventFd.class)
                .orElseThrow(() -> new IOException("fd " + fd + " (eventfd): fdinfo shows no eventfd-count"));
        return new EventFd(fd, fdFlags, openFlags, info.count(), info.semaphore());
    }

    /** Creates it inside the task with its counter; returns the (temporary) descriptor. */
    public long restore(RestoreSession s, EventFd e) throws IOException {
        int flags = O_CLOEXEC | (e.openFlags() & O_NONBLOCK) | (e.semaphore() ? EFD_SEMAPHORE : 0);
        long fd = s.main().call("eventfd2 for fd " + e.fd(), SysNr.EVENTFD2, 0, flags, 0);
        if (e.count() != 0) {
            s.resetArgs();
            long at = s.put(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(e.count()).array());
            s.main().call("write the count of eventfd " + e.fd(), SysNr.WRITE, fd, at, 8);
        }
        return fd;
    }
}
