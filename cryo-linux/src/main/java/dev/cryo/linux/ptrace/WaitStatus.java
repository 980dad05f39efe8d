package dev.cryo.linux.ptrace;

/**
 * The status word of wait4 for one task, decoded.
 *
 * @param pid the task the status belongs to (0 with WNOHANG and nothing to report)
 */
public record WaitStatus(int pid, int raw) {

    public boolean exited() {
        return (raw & 0x7f) == 0;
    }

    public int exitCode() {
        return (raw >> 8) & 0xff;
    }

    public boolean signaled() {
        return (raw & 0x7f) != 0 && (raw & 0x7f) != 0x7f;
    }

    public int termSignal() {
        return raw & 0x7f;
    }

    public boolean stopped() {
        return (raw & 0xff) == 0x7f;
    }

    /** The stop signal (SIGTRAP|0x80 for a syscall stop with TRACESYSGOOD). */
    public int stopSignal() {
        return (raw >> 8) & 0xff;
    }

    /** The PTRACE_EVENT_* of an event stop, 0 for a plain signal stop. */
    public int event() {
        return (raw >> 16) & 0xff;
    }

    public boolean gone() {
        return exited() || signaled();
    }

    @Override
    public String toString() {
        if (exited()) return "pid " + pid + " exited with " + exitCode();
        if (signaled()) return "pid " + pid + " killed by signal " + termSignal();
        if (stopped()) return "pid " + pid + " stopped (signal " + stopSignal() + ", event " + event() + ")";
        return "pid " + pid + " status 0x" + Integer.toHexString(raw);
    }
}
