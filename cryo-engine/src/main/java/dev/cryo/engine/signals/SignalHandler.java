package dev.cryo.engine.signals;

import dev.cryo.engine.DumpSession;
import dev.cryo.engine.inject.SyscallInjector;
import dev.cryo.image.task.ItimerEntry;
import dev.cryo.image.task.SigactionEntry;
import dev.cryo.linux.ptrace.Ptrace;
import dev.cryo.linux.syscall.SysNr;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Process-wide signal state: the 64 actions, signals pending for the whole process, interval timers. */
public final class SignalHandler {
    private static final int SIGKILL = 9, SIGSTOP = 19;

    public List<SigactionEntry> dumpActions(DumpSession s) throws IOException {
        SyscallInjector inj = s.injector(s.pid());
        List<SigactionEntry> out = new ArrayList<>();
        for (int sig = 1; sig <= 64; sig++) {
            if (sig == SIGKILL || sig == SIGSTOP) continue;
            inj.call("rt_sigaction(" + sig + ")", SysNr.RT_SIGACTION, sig, 0, s.scratch(), 8);
            ByteBuffer b = ByteBuffer.wrap(s.memory().read(s.scratch(), 32)).order(ByteOrder.LITTLE_ENDIAN);
            SigactionEntry e = new SigactionEntry(sig, b.getLong(0), b.getLong(8), b.getLong(16), b.getLong(24));
            if (e.handler() != 0 || e.flags() != 0 || e.mask() != 0) out.add(e);
        }
        return out;
    }

    public List<ItimerEntry> dumpItimers(DumpSession s) throws IOException {
        SyscallInjector inj = s.injector(s.pid());
        List<ItimerEntry> out = new ArrayList<>();
        for (int which = 0; which < 3; which++) {
            inj.call("getitimer(" + which + ")", SysNr.GETITIMER, which, s.scratch(), 0);
            ByteBuffer b = ByteBuffer.wrap(s.memory().read(s.scratch(), 32)).order(ByteOrder.LITTLE_ENDIAN);
            long interval = b.getLong(0) * 1_000_000 + b.getLong(8), value = b.getLong(16) * 1_000_000 + b.getLong(24);
            if (interval != 0 || value != 0) out.add(new ItimerEntry(which, interval, value));
        }
        return out;
    }

    public List<byte[]> dumpSharedPending(DumpSession s) throws IOException {
        return List.copyOf(Arrays.asList(Ptrace.peekSiginfo(s.pid(), true)));
    }
}
