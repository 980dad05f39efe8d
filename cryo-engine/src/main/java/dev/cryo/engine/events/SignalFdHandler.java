package dev.cryo.engine.events;

import dev.cryo.engine.RestoreSession;
import dev.cryo.image.fd.SignalFd;
import dev.cryo.linux.proc.FdInfo;
import dev.cryo.linux.proc.FdInfoParser;
import dev.cryo.linux.syscall.SysNr;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * signalfd: only its mask is its own; the signals it reads are the process's pending signals, which the
 * signal handler restores.
 */
public final class SignalFdHandler {
    private static final int O_NONBLOCK = 04000, O_CLOEXEC = 02000000;

    public SignalFd dump(int pid, int fd, int fdFlags, int openFlags) throws IOException {
        FdInfo.SignalFd info = FdInfoParser.read(pid, fd).detail(FdInfo.SignalFd.class)
                .orElseThrow(() -> new IOException("fd " + fd + " (signalfd): fdinfo shows no sigmask"));
        return new SignalFd(fd, fdFlags, openFlags, info.sigmask());
    }

    public long restore(RestoreSession s, SignalFd e) throws IOException {
        s.resetArgs();
        long mask = s.put(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(e.sigmask()).array());
        return s.main().call("signalfd4 for fd " + e.fd(), SysNr.SIGNALFD4, -1, mask, 8,
                O_CLOEXEC | (e.openFlags() & O_NONBLOCK));
    }
}
