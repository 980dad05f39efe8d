package dev.cryo.engine.locks;

import dev.cryo.engine.RestoreSession;
import dev.cryo.engine.UnsupportedResourceException;
import dev.cryo.image.fd.FdEntry;
import dev.cryo.image.fd.FileLock;
import dev.cryo.image.fd.RegularFileFd;
import dev.cryo.linux.errno.Errno;
import dev.cryo.linux.proc.FdInfoParser;
import dev.cryo.linux.proc.LockInfo;
import dev.cryo.linux.syscall.SysNr;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * File locks held by the process: flock and OFD locks (which belong to an open file description) and
 * fcntl POSIX locks (which belong to the process), from the "lock:" lines of fdinfo, taken again with
 * non-blocking calls once every descriptor is in place. A lock request still waiting (a thread blocked
 * in F_SETLKW or flock) is not a lock: the thread's call is restarted after the restore. Leases and
 * delegations are refused.
 */
public final class FileLockHandler {
    private static final int F_SETLK = 6, F_OFD_SETLK = 37, F_RDLCK = 0, F_WRLCK = 1, LOCK_SH = 1, LOCK_EX = 2,
            LOCK_NB = 4;

    public List<FileLock> dump(int pid, int fd, String path) throws IOException {
        List<FileLock> out = new ArrayList<>();
        for (LockInfo l : FdInfoParser.read(pid, fd).locks()) {
            if (l.blocked()) continue;
            FileLock.Kind kind = switch (l.kind()) {
                case FLOCK -> FileLock.Kind.FLOCK;
                case POSIX -> FileLock.Kind.POSIX;
                case OFDLCK -> FileLock.Kind.OFD;
                default -> throw new UnsupportedResourceException(pid, "fd " + fd + " (" + path + ", a " + l.kind()
                        + " on it)", "file leases and delegations are not supported");
            };
            if (kind == FileLock.Kind.POSIX && l.pid() != pid) continue; // another process's lock on the file
            out.add(new FileLock(kind, l.access() == LockInfo.Access.WRITE, l.start(), l.length()));
        }
        return List.copyOf(out);
    }

    /** Takes every lock again; a lock another process took in the meantime fails the restore, naming it. */
    public void restore(RestoreSession s, List<FdEntry> entries) throws IOException {
        for (FdEntry e : entries) {
            if (!(e instanceof RegularFileFd f) || f.locks() == null) continue;
            for (FileLock l : f.locks()) {
                long r;
                if (l.kind() == FileLock.Kind.FLOCK) {
                    r = s.main().raw(SysNr.FLOCK, f.fd(), (l.write() ? LOCK_EX : LOCK_SH) | LOCK_NB, 0, 0, 0, 0);
                } else {
                    ByteBuffer b = ByteBuffer.allocate(32).order(ByteOrder.LITTLE_ENDIAN); // struct flock
                    b.putShort(0, (short) (l.write() ? F_WRLCK : F_RDLCK)).putShort(2, (short) 0 /* SEEK_SET */)
                            .putLong(8, l.start()).putLong(16, l.length());
                    s.resetArgs();
                    r = s.main().raw(SysNr.FCNTL, f.fd(), l.kind() == FileLock.Kind.OFD ? F_OFD_SETLK : F_SETLK,
                            s.put(b.array()), 0, 0, 0);
                }
                if (r < 0) {
                    throw new IOException("fd " + f.fd() + " (" + f.path() + "): cannot take its " + describe(l) + " again: "
                            + Errno.describe((int) -r) + (r == -Errno.EAGAIN.number() ? " (another process holds a conflicting lock)" : ""));
                }
            }
        }
    }

    private static String describe(FileLock l) {
        return switch (l.kind()) {
            case FLOCK -> "flock";
            case POSIX -> "fcntl lock";
            case OFD -> "OFD lock";
        } + " (" + (l.write() ? "write" : "read") + (l.kind() == FileLock.Kind.FLOCK ? ""
                : ", bytes " + l.start() + (l.length() == 0 ? " to the end" : "+" + l.length())) + ")";
    }
}
