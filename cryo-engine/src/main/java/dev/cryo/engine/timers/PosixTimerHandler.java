package dev.cryo.engine.timers;

import dev.cryo.engine.DumpSession;
import dev.cryo.engine.RestoreSession;
import dev.cryo.engine.inject.SyscallInjector;
import dev.cryo.image.task.PosixTimerEntry;
import dev.cryo.linux.errno.Errno;
import dev.cryo.linux.syscall.SysNr;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * POSIX timers (timer_create). /proc/PID/timers names each timer, its clock, signal and target; the time
 * left and the period are asked with an injected timer_gettime. At restore each is created again with
 * its own id: the kernel hands out ids in order, so the stub turns on PR_TIMER_CREATE_RESTORE_IDS
 * (Linux 6.17), which makes timer_create take the id it is given, as CRIU does. A timer resumes with
 * the time it had left (the time spent checkpointed does not count); overrun counts start again at 0.
 */
public final class PosixTimerHandler {
    private static final int SIGEV_THREAD_ID = 4, PR_TIMER_CREATE_RESTORE_IDS = 77, ON = 1, OFF = 0;
    private static final long NANOS = 1_000_000_000L;

    public List<PosixTimerEntry> dump(DumpSession s) throws IOException {
        String text;
        try {
            text = Files.readString(Path.of("/proc/" + s.pid() + "/timers"));
        } catch (NoSuchFileException e) {
            return List.of(); // kernel without CONFIG_CHECKPOINT_RESTORE's /proc/PID/timers
        }
        List<PosixTimerEntry> out = new ArrayList<>();
        SyscallInjector inj = s.injector(s.pid());
        int id = -1, signal = 0, notify = 0, tid = 0;
        long value = 0;
        for (String line : text.lines().toList()) {
            if (line.startsWith("ID:")) {
                id = Integer.parseInt(line.substring(3).strip());
            } else if (line.startsWith("signal:")) { // "signal: 14/0000000000000000": signo / sigev_value
                String[] v = line.substring(7).strip().split("/");
                signal = Integer.parseInt(v[0]);
                value = Long.parseUnsignedLong(v[1], 16);
            } else if (line.startsWith("notify:")) { // "notify: signal/pid.123", "none/pid.123", "signal/tid.124"
                String[] v = line.substring(7).strip().split("[/.]");
                notify = switch (v[0]) {
                    case "none" -> 1;
                    case "thread" -> 2;
                    default -> 0;
                };
                tid = 0;
                if (v[1].equals("tid")) {
                    notify |= SIGEV_THREAD_ID;
                    tid = Integer.parseInt(v[2]);
                }
            } else if (line.startsWith("ClockID:")) { // the last line of each timer
                int clock = Integer.parseInt(line.substring(8).strip());
                inj.call("timer_gettime(" + id + ")", SysNr.TIMER_GETTIME, id, s.scratch(), 0);
                ByteBuffer b = ByteBuffer.wrap(s.memory().read(s.scratch(), 32)).order(ByteOrder.LITTLE_ENDIAN);
                long interval = b.getLong(0) * NANOS + b.getLong(8), left = b.getLong(16) * NANOS + b.getLong(24);
                out.add(new PosixTimerEntry(id, clock, notify, signal, value, tid, left, interval));
            }
        }
        out.sort(Comparator.comparingInt(PosixTimerEntry::id));
        return List.copyOf(out);
    }

    /** Creates every timer with its id, then arms it. Runs once every thread exists (a timer may signal one). */
    public void restore(RestoreSession s) throws IOException {
        List<PosixTimerEntry> timers = s.image().posixTimers();
        if (timers == null || timers.isEmpty()) return;
        SyscallInjector inj = s.main();
        long r = inj.raw(SysNr.PRCTL, PR_TIMER_CREATE_RESTORE_IDS, ON, 0, 0, 0, 0);
        boolean exactIds = r == 0;
        try {
            for (PosixTimerEntry t : timers) {
                ByteBuffer ev = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN); // struct sigevent
                ev.putLong(0, t.sigevValue()).putInt(8, t.signal()).putInt(12, t.notification()).putInt(16, t.targetTid());
                s.resetArgs();
                long sev = s.put(ev.array());
                long idAt = s.put(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(t.id()).array());
                inj.call("timer_create (timer " + t.id() + ")", SysNr.TIMER_CREATE, t.clockId(), sev, idAt);
                int got = ByteBuffer.wrap(s.memory().read(idAt, 4)).order(ByteOrder.LITTLE_ENDIAN).getInt();
                if (got != t.id()) {
                    throw new IOException("POSIX timer " + t.id() + " came back as timer " + got
                            + (exactIds ? "" : " (this kernel lacks PR_TIMER_CREATE_RESTORE_IDS, Linux 6.17: "
                            + Errno.describe((int) -r) + ")"));
                }
                if (t.valueNanos() == 0 && t.intervalNanos() == 0) continue;
                // a periodic timer that had just fired reads 0 left: arm it for one period rather than disarm it
                long value = t.valueNanos() == 0 ? t.intervalNanos() : t.valueNanos();
                s.resetArgs();
                long its = s.put(ByteBuffer.allocate(32).order(ByteOrder.LITTLE_ENDIAN)
                        .putLong(t.intervalNanos() / NANOS).putLong(t.intervalNanos() % NANOS)
                        .putLong(value / NANOS).putLong(value % NANOS).array());
                inj.call("timer_settime (timer " + t.id() + ")", SysNr.TIMER_SETTIME, t.id(), 0, its, 0);
            }
        } finally {
            if (exactIds) inj.raw(SysNr.PRCTL, PR_TIMER_CREATE_RESTORE_IDS, OFF, 0, 0, 0, 0);
        }
    }
}
