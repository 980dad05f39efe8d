package dev.cryo.linux.ptrace;

import dev.cryo.linux.errno.ErrnoException;
import dev.cryo.linux.syscall.Scratch;
import dev.cryo.linux.syscall.SysNr;
import dev.cryo.linux.syscall.Syscall;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** wait4(2): how a tracer learns about its tracees' stops, and a parent about its children's exits. */
public final class Wait {
    public static final int WNOHANG = 1, WUNTRACED = 2, WALL = 0x40000000;

    private Wait() {}

    /** Waits for {@code pid} (or -1: any) with the given options; pid 0 in the result with WNOHANG and nothing. */
    public static WaitStatus waitpid(int pid, int options) throws ErrnoException {
        MemorySegment s = Scratch.get();
        s.set(ValueLayout.JAVA_INT, 0, 0);
        long r = Syscall.call("wait4 (pid " + pid + ")", SysNr.WAIT4, pid, s.address(), options, 0);
        return new WaitStatus((int) r, s.get(ValueLayout.JAVA_INT, 0));
    }
}
