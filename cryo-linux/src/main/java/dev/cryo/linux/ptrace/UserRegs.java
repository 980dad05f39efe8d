package dev.cryo.linux.ptrace;

import java.util.Arrays;

/**
 * x86_64 {@code struct user_regs_struct} (the NT_PRSTATUS register set), as 27 longs in kernel order.
 * Mutable on purpose: injecting a syscall is "copy, set a few registers, write back".
 */
public final class UserRegs {
    public static final int COUNT = 27;
    public static final int BYTES = COUNT * 8;
    public static final int R15 = 0, R14 = 1, R13 = 2, R12 = 3, RBP = 4, RBX = 5, R11 = 6, R10 = 7, R9 = 8, R8 = 9,
            RAX = 10, RCX = 11, RDX = 12, RSI = 13, RDI = 14, ORIG_RAX = 15, RIP = 16, CS = 17, EFLAGS = 18, RSP = 19,
            SS = 20, FS_BASE = 21, GS_BASE = 22, DS = 23, ES = 24, FS = 25, GS = 26;

    private final long[] r;

    public UserRegs(long[] values) {
        if (values.length != COUNT) {
            throw new IllegalArgumentException("user_regs_struct has " + COUNT + " registers, got " + values.length);
        }
        this.r = values;
    }

    public long get(int index) {
        return r[index];
    }

    public UserRegs set(int index, long value) {
        r[index] = value;
        return this;
    }

    public long rip() { return r[RIP]; }
    public long rsp() { return r[RSP]; }
    public long rax() { return r[RAX]; }
    public long origRax() { return r[ORIG_RAX]; }

    /** A copy, for building an injected call from a thread's saved state. */
    public UserRegs copy() {
        return new UserRegs(r.clone());
    }

    public long[] toArray() {
        return r.clone();
    }

    @Override
    public String toString() {
        return "UserRegs" + Arrays.toString(r);
    }
}
