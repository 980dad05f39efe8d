package dev.cryo.engine.signals;

import dev.cryo.engine.DumpSession;
import dev.cryo.engine.RestoreSession;
import dev.cryo.engine.inject.SyscallInjector;
import dev.cryo.image.task.ItimerEntry;
import dev.cryo.image.task.SigactionEntry;
import dev.cryo.linux.proc.ProcStatus;
import dev.cryo.linux.proc.StatusParser;
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
    private static final int SIGKILL = 9, SIGCHLD = 17, SIGSTOP = 19;

    /**
     * The actions that are not plain defaults. /proc/PID/status says which signals are caught (SigCgt) or
     * ignored (SigIgn): only those are asked for (each is an injected call), plus SIGCHLD, whose default
     * action may still carry SA_NOCLDSTOP or SA_NOCLDWAIT.
     */
    public List<SigactionEntry> dumpActions(DumpSession s) throws IOException {
        SyscallInjector inj = s.injector(s.pid());
        ProcStatus status = StatusParser.read(s.pid());
        long ask = status.sigCgt() | status.sigIgn() | (1L << (SIGCHLD - 1));
        List<SigactionEntry> out = new ArrayList<>();
        for (int sig = 1; sig <= 64; sig++) {
            if (sig == SIGKILL || sig == SIGSTOP || (ask & (1L << (sig - 1))) == 0) continue;
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

    private static final int RT_SIGQUEUEINFO = 129, RT_TGSIGQUEUEINFO = 297;

    public void restoreActions(RestoreSession s) throws IOException {
        SyscallInjector inj = s.main();
        for (SigactionEntry a : s.image().sigactions()) {
            ByteBuffer b = ByteBuffer.allocate(32).order(ByteOrder.LITTLE_ENDIAN);
            b.putLong(a.handler()).putLong(a.flags()).putLong(a.restorer()).putLong(a.mask());
            s.resetArgs();
            inj.call("rt_sigaction(" + a.signal() + ")", SysNr.RT_SIGACTION, a.signal(), s.put(b.array()), 0, 8);
        }
    }

    public void restoreItimers(RestoreSession s) throws IOException {
        for (ItimerEntry t : s.image().itimers()) {
            // A periodic timer that had just fired reads value 0: the kernel re-arms ITIMER_REAL only when
            // its SIGALRM is dequeued (and that signal is pending, restored as such). Value 0 would disarm
            // it: arm it for one interval instead.
            long value = t.valueMicros() == 0 ? t.intervalMicros() : t.valueMicros();
            ByteBuffer b = ByteBuffer.allocate(32).order(ByteOrder.LITTLE_ENDIAN);
            b.putLong(t.intervalMicros() / 1_000_000).putLong(t.intervalMicros() % 1_000_000)
                    .putLong(value / 1_000_000).putLong(value % 1_000_000);
            s.resetArgs();
            s.main().call("setitimer(" + t.which() + ")", SysNr.SETITIMER, t.which(), s.put(b.array()), 0);
        }
    }

    /**
     * Queues the pending signals again, from inside the process (the kernel lets a process queue any
     * siginfo to itself). Every thread has all signals blocked at this point, so they stay pending until
     * the real masks are set.
     */
    public void restorePending(RestoreSession s) throws IOException {
        for (byte[] info : s.image().sharedPending()) {
            int sig = ByteBuffer.wrap(info).order(ByteOrder.LITTLE_ENDIAN).getInt(0);
            s.resetArgs();
            s.main().call("rt_sigqueueinfo(" + sig + ")", RT_SIGQUEUEINFO, s.pid(), sig, s.put(info));
        }
        for (var t : s.image().threads()) {
            for (byte[] info : t.pending()) {
                int sig = ByteBuffer.wrap(info).order(ByteOrder.LITTLE_ENDIAN).getInt(0);
                s.resetArgs();
                s.injector(t.tid()).call("rt_tgsigqueueinfo(" + sig + ")", RT_TGSIGQUEUEINFO, s.pid(), t.tid(), sig,
                        s.put(info));
            }
        }
    }
}
