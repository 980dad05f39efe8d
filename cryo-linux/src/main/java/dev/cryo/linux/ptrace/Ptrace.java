package dev.cryo.linux.ptrace;

import dev.cryo.linux.errno.ErrnoException;
import dev.cryo.linux.syscall.Scratch;
import dev.cryo.linux.syscall.SysNr;
import dev.cryo.linux.syscall.Syscall;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * ptrace(2) requests, typed. A tracee belongs to the thread that attached: every call for a task must
 * come from that one thread (the kernel answers ESRCH otherwise).
 */
public final class Ptrace {
    private Ptrace() {}

    // requests
    private static final int POKEDATA = 5, CONT = 7, DETACH = 17, SYSCALL = 24, GETEVENTMSG = 0x4201, GETREGSET = 0x4204,
            SETREGSET = 0x4205, SEIZE = 0x4206, INTERRUPT = 0x4207, PEEKSIGINFO = 0x4209, GETSIGMASK = 0x420a,
            SETSIGMASK = 0x420b, GET_RSEQ_CONFIGURATION = 0x420f;

    // options
    public static final long O_TRACESYSGOOD = 1, O_TRACEFORK = 2, O_TRACEVFORK = 4, O_TRACECLONE = 8,
            O_TRACEEXEC = 0x10, O_TRACEEXIT = 0x40, O_EXITKILL = 0x100000;

    // events
    public static final int EVENT_FORK = 1, EVENT_VFORK = 2, EVENT_CLONE = 3, EVENT_EXEC = 4, EVENT_EXIT = 6,
            EVENT_STOP = 128;

    // register sets
    public static final int NT_PRSTATUS = 1, NT_X86_XSTATE = 0x202;

    private static long ptrace(String what, int request, int tid, long addr, long data) throws ErrnoException {
        return Syscall.call(what + " (tid " + tid + ")", SysNr.PTRACE, request, tid, addr, data);
    }

    public static void seize(int tid, long options) throws ErrnoException {
        ptrace("PTRACE_SEIZE", SEIZE, tid, 0, options);
    }

    public static void interrupt(int tid) throws ErrnoException {
        ptrace("PTRACE_INTERRUPT", INTERRUPT, tid, 0, 0);
    }

    /**
     * Writes one word into a stopped tracee's memory, also where its protection forbids writing (private
     * code: the page becomes the tracee's own copy, as when a debugger sets a breakpoint). Unlike a write
     * to /proc/PID/mem, allowed whatever proc_mem.force_override says.
     */
    public static void pokeData(int tid, long address, long word) throws ErrnoException {
        ptrace("PTRACE_POKEDATA", POKEDATA, tid, address, word);
    }

    public static void cont(int tid, int signal) throws ErrnoException {
        ptrace("PTRACE_CONT", CONT, tid, 0, signal);
    }

    /** Resume until the next syscall entry or exit. */
    public static void syscall(int tid, int signal) throws ErrnoException {
        ptrace("PTRACE_SYSCALL", SYSCALL, tid, 0, signal);
    }

    public static void detach(int tid, int signal) throws ErrnoException {
        ptrace("PTRACE_DETACH", DETACH, tid, 0, signal);
    }

    public static long eventMessage(int tid) throws ErrnoException {
        MemorySegment s = Scratch.get();
        ptrace("PTRACE_GETEVENTMSG", GETEVENTMSG, tid, 0, s.address());
        return s.get(ValueLayout.JAVA_LONG, 0);
    }

    public static UserRegs getRegs(int tid) throws ErrnoException {
        MemorySegment s = Scratch.get();
        regset("PTRACE_GETREGSET NT_PRSTATUS", GETREGSET, tid, NT_PRSTATUS, s, UserRegs.BYTES);
        return new UserRegs(s.asSlice(0, UserRegs.BYTES).toArray(ValueLayout.JAVA_LONG));
    }

    public static void setRegs(int tid, UserRegs regs) throws ErrnoException {
        MemorySegment s = Scratch.get();
        MemorySegment.copy(regs.toArray(), 0, s, ValueLayout.JAVA_LONG, 0, UserRegs.COUNT);
        regset("PTRACE_SETREGSET NT_PRSTATUS", SETREGSET, tid, NT_PRSTATUS, s, UserRegs.BYTES);
    }

    /** The whole xsave area, at whatever size the kernel reports for this CPU. */
    public static byte[] getXstate(int tid) throws ErrnoException {
        MemorySegment s = Scratch.get();
        int len = regset("PTRACE_GETREGSET NT_X86_XSTATE", GETREGSET, tid, NT_X86_XSTATE, s, Scratch.SIZE - 64);
        return s.asSlice(0, len).toArray(ValueLayout.JAVA_BYTE);
    }

    public static void setXstate(int tid, byte[] xstate) throws ErrnoException {
        MemorySegment s = Scratch.get();
        MemorySegment.copy(xstate, 0, s, ValueLayout.JAVA_BYTE, 0, xstate.length);
        regset("PTRACE_SETREGSET NT_X86_XSTATE", SETREGSET, tid, NT_X86_XSTATE, s, xstate.length);
    }

    /** GET/SETREGSET through an iovec placed at the end of the scratch segment; returns the length the kernel used. */
    private static int regset(String what, int request, int tid, int type, MemorySegment s, int len)
            throws ErrnoException {
        long iov = Scratch.SIZE - 16;
        s.set(ValueLayout.JAVA_LONG, iov, s.address());
        s.set(ValueLayout.JAVA_LONG, iov + 8, len);
        ptrace(what, request, tid, type, s.address() + iov);
        return (int) s.get(ValueLayout.JAVA_LONG, iov + 8);
    }

    public static long getSigmask(int tid) throws ErrnoException {
        MemorySegment s = Scratch.get();
        ptrace("PTRACE_GETSIGMASK", GETSIGMASK, tid, 8, s.address());
        return s.get(ValueLayout.JAVA_LONG, 0);
    }

    public static void setSigmask(int tid, long mask) throws ErrnoException {
        MemorySegment s = Scratch.get();
        s.set(ValueLayout.JAVA_LONG, 0, mask);
        ptrace("PTRACE_SETSIGMASK", SETSIGMASK, tid, 8, s.address());
    }

    /**
     * Pending signals of a thread (or, with {@code shared}, of the whole process), as raw 128-byte
     * siginfo structs, without dequeuing them.
     */
    public static byte[][] peekSiginfo(int tid, boolean shared) throws ErrnoException {
        MemorySegment s = Scratch.get();
        final int max = 256; // 256 * 128 = 32 KiB of the scratch
        java.util.List<byte[]> all = new java.util.ArrayList<>();
        for (long off = 0; ; ) {
            long args = 40 * 1024;
            s.set(ValueLayout.JAVA_LONG, args, off);
            s.set(ValueLayout.JAVA_INT, args + 8, shared ? 1 : 0);
            s.set(ValueLayout.JAVA_INT, args + 12, max);
            int n = (int) ptrace("PTRACE_PEEKSIGINFO", PEEKSIGINFO, tid, s.address() + args, s.address());
            for (int i = 0; i < n; i++) {
                all.add(s.asSlice(i * 128L, 128).toArray(ValueLayout.JAVA_BYTE));
            }
            if (n < max) {
                return all.toArray(new byte[0][]);
            }
            off += n;
        }
    }

    /** rseq registration of a thread: address, length, signature (address 0 when none). */
    public static RseqConfig rseqConfig(int tid) throws ErrnoException {
        MemorySegment s = Scratch.get();
        s.asSlice(0, 24).fill((byte) 0);
        ptrace("PTRACE_GET_RSEQ_CONFIGURATION", GET_RSEQ_CONFIGURATION, tid, 24, s.address());
        return new RseqConfig(s.get(ValueLayout.JAVA_LONG, 0), s.get(ValueLayout.JAVA_INT, 8),
                s.get(ValueLayout.JAVA_INT, 12));
    }

    /** An rseq area as the kernel reports it. */
    public record RseqConfig(long address, int length, int signature) {}
}
