package dev.cryo.linux.proc;

/**
 * One file lock as /proc/locks and the "lock:" lines of fdinfo print it (fs/locks.c, lock_get_status):
 * {@code 1: POSIX  ADVISORY  WRITE 3352 fe:00:2146582 10 29}.
 *
 * @param id      the ordinal the kernel gave the line (not stable across reads)
 * @param blocked a "->" line: this request waits for the lock above it
 * @param kind    POSIX (fcntl), FLOCK (flock), OFDLCK (open file description lock), LEASE, DELEG
 * @param mode    ADVISORY, MANDATORY or ACCESS for locks; ACTIVE, BREAKING or BREAKER for leases
 * @param access  READ, WRITE, or UNLCK (a lease being broken to nothing)
 * @param pid     owner; -1 for OFD locks, which belong to an open file description, not a process
 * @param ino     inode of the locked file (0 with {@link DeviceNumber#NONE} when the kernel prints "<none>")
 * @param start   first byte locked
 * @param end     last byte locked, inclusive; {@link #EOF} when the lock runs to the end of the file
 */
public record LockInfo(int id, boolean blocked, Kind kind, String mode, Access access, int pid, DeviceNumber dev,
                       long ino, long start, long end) {

    /** "EOF" in the file: the kernel's OFFSET_MAX. */
    public static final long EOF = Long.MAX_VALUE;

    public enum Kind { POSIX, FLOCK, OFDLCK, LEASE, DELEG, UNKNOWN }

    public enum Access { READ, WRITE, UNLCK, UNKNOWN }

    /** The l_len to give fcntl to take this lock again: 0 means "to the end of the file". */
    public long length() {
        return end == EOF ? 0 : end - start + 1;
    }

    /** Parses one lock description (without the "lock:\t" prefix of fdinfo). */
    static LockInfo parse(String text, int from, int to) {
        int i = ProcText.skipBlanks(text, from, to);
        int e = ProcText.tokenEnd(text, i, to);
        if (e == i || text.charAt(e - 1) != ':') {
            throw new ProcFormatException("lock: expected 'N:'", text, from);
        }
        int id = (int) ProcText.decimal(text, i, e - 1);
        i = ProcText.skipBlanks(text, e, to);
        e = ProcText.tokenEnd(text, i, to);
        boolean blocked = e - i == 2 && text.startsWith("->", i);
        if (blocked) {
            i = ProcText.skipBlanks(text, e, to);
            e = ProcText.tokenEnd(text, i, to);
        }
        Kind kind = kind(text, i, e);
        i = ProcText.skipBlanks(text, e, to);
        e = ProcText.tokenEnd(text, i, to);
        String mode = text.substring(i, e);
        i = ProcText.skipBlanks(text, e, to);
        e = ProcText.tokenEnd(text, i, to);
        Access access = access(text, i, e);
        i = ProcText.skipBlanks(text, e, to);
        e = ProcText.tokenEnd(text, i, to);
        int pid = (int) ProcText.decimal(text, i, e);
        i = ProcText.skipBlanks(text, e, to);
        e = ProcText.tokenEnd(text, i, to);
        DeviceNumber dev = DeviceNumber.NONE;
        long ino = 0;
        if (!text.startsWith("<none>", i)) {
            int second = ProcText.indexOf(text, ':', ProcText.indexOf(text, ':', i, e) + 1, e);
            if (second < 0) {
                throw new ProcFormatException("lock: expected MAJ:MIN:INODE", text, i);
            }
            dev = DeviceNumber.parse(text, i, second, 16);
            ino = ProcText.unsignedDecimal(text, second + 1, e);
        }
        i = ProcText.skipBlanks(text, e, to);
        e = ProcText.tokenEnd(text, i, to);
        long start = ProcText.decimal(text, i, e);
        i = ProcText.skipBlanks(text, e, to);
        e = ProcText.tokenEnd(text, i, to);
        long end = e - i == 3 && text.startsWith("EOF", i) ? EOF : ProcText.decimal(text, i, e);
        return new LockInfo(id, blocked, kind, mode, access, pid, dev, ino, start, end);
    }

    private static Kind kind(String text, int from, int to) {
        for (Kind k : Kind.values()) {
            if (k.name().length() == to - from && text.startsWith(k.name(), from)) {
                return k;
            }
        }
        return Kind.UNKNOWN;
    }

    private static Access access(String text, int from, int to) {
        for (Access a : Access.values()) {
            if (a.name().length() == to - from && text.startsWith(a.name(), from)) {
                return a;
            }
        }
        return Access.UNKNOWN;
    }
}
