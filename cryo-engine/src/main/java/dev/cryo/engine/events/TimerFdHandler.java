package dev.cryo.engine.events;

import dev.cryo.engine.RestoreSession;
import dev.cryo.image.fd.TimerFd;
import dev.cryo.linux.proc.FdInfo;
import dev.cryo.linux.proc.FdInfoParser;
import dev.cryo.linux.syscall.SysNr;
import dev.cryo.linux.time.Clocks;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * timerfd: clock, period, time left, and the expirations not read yet. fdinfo shows the time left
 * relative to now; a TFD_TIMER_ABSTIME timer is saved as its absolute deadline on its clock, so it fires
 * when the application asked for (counting the periods missed while it was checkpointed as expirations,
 * as the kernel would have), while a relative timer resumes with the time it had left, as CRIU does.
 * The unread expirations are put back with TFD_IOC_SET_TICKS.
 */
public final class TimerFdHandler {
    private static final int TFD_TIMER_ABSTIME = 1, O_NONBLOCK = 04000, O_CLOEXEC = 02000000;
    private static final long TFD_IOC_SET_TICKS = 0x40085400L, NANOS = 1_000_000_000L;

    public TimerFd dump(int pid, int fd, int fdFlags, int openFlags) throws IOException {
        FdInfo.TimerFd t = FdInfoParser.read(pid, fd).detail(FdInfo.TimerFd.class)
                .orElseThrow(() -> new IOException("fd " + fd + " (timerfd): fdinfo shows no clockid"));
        long value = nanos(t.value()), interval = nanos(t.interval());
        if (value == 0 && interval != 0) value = 1; // expired this instant, next period not armed yet: due now
        if (value != 0 && (t.settimeFlags() & TFD_TIMER_ABSTIME) != 0) value += Clocks.now(t.clockId());
        return new TimerFd(fd, fdFlags, openFlags, t.clockId(), t.settimeFlags(), t.ticks(), value, interval);
    }

    public long restore(RestoreSession s, TimerFd t) throws IOException {
        var inj = s.main();
        long fd = inj.call("timerfd_create(clock " + t.clockId() + ") for fd " + t.fd(), SysNr.TIMERFD_CREATE,
                t.clockId(), O_CLOEXEC | (t.openFlags() & O_NONBLOCK), 0);
        if (t.valueNanos() != 0) {
            s.resetArgs();
            long spec = s.put(ByteBuffer.allocate(32).order(ByteOrder.LITTLE_ENDIAN)
                    .putLong(t.intervalNanos() / NANOS).putLong(t.intervalNanos() % NANOS)
                    .putLong(t.valueNanos() / NANOS).putLong(t.valueNanos() % NANOS).array());
            inj.call("timerfd_settime for fd " + t.fd(), SysNr.TIMERFD_SETTIME, fd, t.settimeFlags(), spec, 0);
        }
        if (t.ticks() != 0) {
            s.resetArgs();
            long ticks = s.put(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(t.ticks()).array());
            inj.call("ioctl(TFD_IOC_SET_TICKS) for fd " + t.fd(), SysNr.IOCTL, fd, TFD_IOC_SET_TICKS, ticks);
        }
        return fd;
    }

    private static long nanos(FdInfo.Timespec t) {
        return t.seconds() * NANOS + t.nanos();
    }
}
