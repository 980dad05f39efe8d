package dev.cryo.linux.mem;

import dev.cryo.linux.errno.Errno;
import dev.cryo.linux.errno.ErrnoException;
import dev.cryo.linux.syscall.Scratch;
import dev.cryo.linux.syscall.SysNr;
import dev.cryo.linux.syscall.Syscall;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Another process's memory, read and written with process_vm_readv/writev in large iovec batches
 * (one syscall moves up to {@link #MAX_IOV} ranges). No allocation per call: the iovec arrays live in
 * the calling thread's scratch segment.
 */
public final class RemoteMemory {
    /** IOV_MAX. */
    public static final int MAX_IOV = 1024;
    private static final long LOCAL_IOV = 0, REMOTE_IOV = 16;

    private final int pid;

    public RemoteMemory(int pid) {
        this.pid = pid;
    }

    public int pid() {
        return pid;
    }

    /**
     * Reads the remote ranges {@code [addrs[i], addrs[i]+lens[i])} for {@code i} in {@code [from, to)},
     * back to back into {@code buf} at {@code offset}. Returns the bytes read, which is short only when
     * a range could not be read (then the caller may fall back to /proc/PID/mem for it).
     */
    public long read(long[] addrs, long[] lens, int from, int to, NativeBuffer buf, long offset) throws ErrnoException {
        return transfer(SysNr.PROCESS_VM_READV, "process_vm_readv", addrs, lens, from, to, buf, offset);
    }

    /** The inverse of {@link #read}: writes from {@code buf} into the remote ranges. */
    public long write(long[] addrs, long[] lens, int from, int to, NativeBuffer buf, long offset) throws ErrnoException {
        return transfer(SysNr.PROCESS_VM_WRITEV, "process_vm_writev", addrs, lens, from, to, buf, offset);
    }

    /**
     * Writes pieces {@code i} in {@code [from, to)}: {@code lens[i]} bytes from our address {@code locals[i]}
     * to the remote address {@code remotes[i]}, up to {@link #MAX_IOV} pieces per process_vm_writev (the
     * local side need not be one buffer: pages may come from mapped files and decode buffers). Returns the
     * bytes written, short only if a remote range could not be written.
     */
    public long write(long[] remotes, long[] locals, long[] lens, int from, int to) throws ErrnoException {
        MemorySegment s = Scratch.get();
        long localIov = 0, remoteIov = 16L * MAX_IOV;
        long done = 0;
        for (int i = from; i < to; ) {
            int n = Math.min(to - i, MAX_IOV);
            long want = 0;
            for (int k = 0; k < n; k++) {
                s.set(ValueLayout.JAVA_LONG, localIov + 16L * k, locals[i + k]);
                s.set(ValueLayout.JAVA_LONG, localIov + 16L * k + 8, lens[i + k]);
                s.set(ValueLayout.JAVA_LONG, remoteIov + 16L * k, remotes[i + k]);
                s.set(ValueLayout.JAVA_LONG, remoteIov + 16L * k + 8, lens[i + k]);
                want += lens[i + k];
            }
            long r = Syscall.raw(SysNr.PROCESS_VM_WRITEV, pid, s.address() + localIov, n, s.address() + remoteIov, n, 0);
            if (r == -Errno.EINTR.number()) continue;
            if (r == -Errno.EFAULT.number()) return done;
            if (r < 0) throw ErrnoException.of("process_vm_writev (pid " + pid + ")", (int) -r);
            done += r;
            if (r < want) return done;
            i += n;
        }
        return done;
    }

    private long transfer(int nr, String what, long[] addrs, long[] lens, int from, int to, NativeBuffer buf,
                          long offset) throws ErrnoException {
        MemorySegment s = Scratch.get();
        long done = 0;
        int i = from;
        long partial = 0; // bytes of range i already moved
        while (i < to) {
            int n = Math.min(to - i, MAX_IOV);
            long want = 0;
            for (int k = 0; k < n; k++) {
                long a = addrs[i + k] + (k == 0 ? partial : 0), l = lens[i + k] - (k == 0 ? partial : 0);
                long at = REMOTE_IOV + 16L * k + 16;
                s.set(ValueLayout.JAVA_LONG, at, a);
                s.set(ValueLayout.JAVA_LONG, at + 8, l);
                want += l;
            }
            s.set(ValueLayout.JAVA_LONG, LOCAL_IOV, buf.address() + offset + done);
            s.set(ValueLayout.JAVA_LONG, LOCAL_IOV + 8, want);
            long r = Syscall.raw(nr, pid, s.address() + LOCAL_IOV, 1, s.address() + REMOTE_IOV + 16, n, 0);
            if (r < 0) {
                if (r == -Errno.EFAULT.number() || r == -Errno.EIO.number()) {
                    return done; // the first range is unreadable: let the caller decide
                }
                if (r == -Errno.EINTR.number()) continue;
                throw ErrnoException.of(what + " (pid " + pid + ")", (int) -r);
            }
            done += r;
            // advance over the ranges fully moved
            long left = r;
            while (left > 0 && i < to) {
                long rem = lens[i] - partial;
                if (left >= rem) {
                    left -= rem;
                    partial = 0;
                    i++;
                } else {
                    partial += left;
                    left = 0;
                }
            }
            if (r < want && r == 0) {
                return done;
            }
        }
        return done;
    }

    /** A small read (a few words, a string) into a new array. */
    public byte[] read(long address, int length) throws ErrnoException {
        MemorySegment s = Scratch.get();
        if (length > Scratch.SIZE - 64) throw new IllegalArgumentException("small reads only: " + length);
        long localIov = Scratch.SIZE - 32, remoteIov = Scratch.SIZE - 16;
        s.set(ValueLayout.JAVA_LONG, localIov, s.address());
        s.set(ValueLayout.JAVA_LONG, localIov + 8, length);
        s.set(ValueLayout.JAVA_LONG, remoteIov, address);
        s.set(ValueLayout.JAVA_LONG, remoteIov + 8, length);
        long r = Syscall.call("process_vm_readv (pid " + pid + ", 0x" + Long.toHexString(address) + ")",
                SysNr.PROCESS_VM_READV, pid, s.address() + localIov, 1, s.address() + remoteIov, 1, 0);
        if (r != length) throw new ErrnoException("process_vm_readv (pid " + pid + "): short read", Errno.EFAULT.number());
        return s.asSlice(0, length).toArray(ValueLayout.JAVA_BYTE);
    }

    public long readLong(long address) throws ErrnoException {
        byte[] b = read(address, 8);
        return MemorySegment.ofArray(b).get(ValueLayout.JAVA_LONG_UNALIGNED, 0);
    }

    /** A small write. */
    public void write(long address, byte[] data) throws ErrnoException {
        MemorySegment s = Scratch.get();
        if (data.length > Scratch.SIZE - 64) throw new IllegalArgumentException("small writes only: " + data.length);
        MemorySegment.copy(data, 0, s, ValueLayout.JAVA_BYTE, 0, data.length);
        long localIov = Scratch.SIZE - 32, remoteIov = Scratch.SIZE - 16;
        s.set(ValueLayout.JAVA_LONG, localIov, s.address());
        s.set(ValueLayout.JAVA_LONG, localIov + 8, data.length);
        s.set(ValueLayout.JAVA_LONG, remoteIov, address);
        s.set(ValueLayout.JAVA_LONG, remoteIov + 8, data.length);
        long r = Syscall.call("process_vm_writev (pid " + pid + ", 0x" + Long.toHexString(address) + ")",
                SysNr.PROCESS_VM_WRITEV, pid, s.address() + localIov, 1, s.address() + remoteIov, 1, 0);
        if (r != data.length) throw new ErrnoException("process_vm_writev (pid " + pid + "): short write", Errno.EFAULT.number());
    }

    public void writeLong(long address, long value) throws ErrnoException {
        byte[] b = new byte[8];
        MemorySegment.ofArray(b).set(ValueLayout.JAVA_LONG_UNALIGNED, 0, value);
        write(address, b);
    }
}
