package dev.cryo.linux.ipc;

import dev.cryo.linux.errno.ErrnoException;
import dev.cryo.linux.syscall.Scratch;
import dev.cryo.linux.syscall.SysNr;
import dev.cryo.linux.syscall.Syscall;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * SysV shared memory, semaphores and message queues of the calling thread's IPC namespace (x86_64
 * structs, the native syscalls, which always use the 64-bit ipc layouts). Every call acts in the
 * namespace of the thread that makes it: see {@link #enterNamespaceOf}.
 */
public final class SysvIpc {
    /** shmat's and semop's numbers, for calls injected into a process. */
    public static final int SHMAT = 30, SEMOP = 65;
    /** sembuf's sem_flg bits, and the largest value a semaphore may hold. */
    public static final int SEM_UNDO = 0x1000, SEM_NOWAIT = 04000, SEMVMX = 32767;
    private static final int SHMGET = 29, SHMCTL = 31, SEMGET = 64, SEMCTL = 66, SHMDT = 67,
            MSGGET = 68, MSGSND = 69, MSGRCV = 70, MSGCTL = 71, SETNS = 308;
    private static final int IPC_CREAT = 01000, IPC_EXCL = 02000, IPC_NOWAIT = 04000, IPC_RMID = 0, IPC_SET = 1,
            IPC_STAT = 2, GETALL = 13, SETALL = 17, MSG_COPY = 040000, KCMP_SYSVSEM = 6, CLONE_NEWIPC = 0x08000000,
            O_RDONLY_CLOEXEC = 02000000;
    public static final int SHM_RDONLY = 010000, SHM_EXEC = 0100000;
    /** Offsets in the *id64_ds structs, which start with struct ipc64_perm (48 bytes). */
    private static final int SHM_SEGSZ = 48, SHM_NATTCH = 88, SEM_NSEMS = 80, MSG_QNUM = 80,
            MSG_QBYTES = 88, DS_SIZE = 128;

    private SysvIpc() {}

    /**
     * Moves the calling thread (only it: namespaces are per thread) into the IPC namespace of process
     * {@code pid}; closing the result moves it back to the one it was in.
     */
    public static Entered enterNamespaceOf(int pid) throws IOException {
        int own = open("/proc/thread-self/ns/ipc");
        try {
            int theirs = open("/proc/" + pid + "/ns/ipc");
            try {
                Syscall.call("setns ipc of " + pid, SETNS, theirs, CLONE_NEWIPC);
            } finally {
                Syscall.raw(SysNr.CLOSE, theirs, 0, 0, 0, 0, 0);
            }
            return new Entered(own);
        } catch (IOException | RuntimeException e) {
            Syscall.raw(SysNr.CLOSE, own, 0, 0, 0, 0, 0);
            throw e;
        }
    }

    /** A thread inside another IPC namespace; closing takes it back home. */
    public static final class Entered implements AutoCloseable {
        private final int home;

        private Entered(int home) {
            this.home = home;
        }

        @Override
        public void close() throws ErrnoException {
            try {
                Syscall.call("setns back to cryo's ipc namespace", SETNS, home, CLONE_NEWIPC);
            } finally {
                Syscall.raw(SysNr.CLOSE, home, 0, 0, 0, 0, 0);
            }
        }
    }

    private static int open(String path) throws ErrnoException {
        MemorySegment s = Scratch.get();
        byte[] b = (path + "\0").getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        MemorySegment.copy(b, 0, s, ValueLayout.JAVA_BYTE, 0, b.length);
        return (int) Syscall.call("open " + path, SysNr.OPENAT, -100, s.address(), O_RDONLY_CLOEXEC, 0);
    }

    /**
     * Runs {@code action} with the calling thread's effective uid and gid set to {@code uid} and {@code gid}
     * (the raw calls change this thread only, unlike glibc's), so that an object it creates has them as its
     * creator; root's capabilities come back with the effective uid 0 afterwards.
     */
    public static <T> T asCreator(int uid, int gid, java.util.concurrent.Callable<T> action) throws Exception {
        Syscall.call("setresgid", SysNr.SETRESGID, -1, gid, -1);
        try {
            Syscall.call("setresuid", SysNr.SETRESUID, -1, uid, -1);
            try {
                return action.call();
            } finally {
                Syscall.call("setresuid back", SysNr.SETRESUID, -1, 0, -1);
            }
        } finally {
            Syscall.call("setresgid back", SysNr.SETRESGID, -1, 0, -1);
        }
    }

    /** The ids of the objects of one kind ("shm", "sem", "msg") in the thread's namespace, from /proc/sysvipc. */
    public static List<Integer> ids(String kind) throws IOException {
        // /proc/sysvipc shows the namespace of the thread that opens it
        List<String> lines = Files.readAllLines(Path.of("/proc/sysvipc/" + kind));
        List<Integer> ids = new ArrayList<>();
        for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
            String[] f = line.trim().split("\\s+");
            if (f.length > 1) ids.add(Integer.parseInt(f[1]));
        }
        return ids;
    }

    /**
     * A tunable of the thread's IPC namespace (/proc/sys/kernel/NAME: shmmax, msgmnb, sem...), or null if
     * this kernel has none. Read in one call: a sysctl file read at an offset other than 0 reads nothing.
     */
    public static String readLimit(String name) throws IOException {
        Path p = Path.of("/proc/sys/kernel/" + name);
        if (!Files.exists(p)) return null;
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(p)) {
            java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate(4096);
            ch.read(buf);
            return new String(buf.array(), 0, buf.position(), java.nio.charset.StandardCharsets.US_ASCII).strip();
        }
    }

    /** Sets a tunable of the thread's IPC namespace. */
    public static void writeLimit(String name, String value) throws IOException {
        Files.writeString(Path.of("/proc/sys/kernel/" + name), value);
    }

    /** Sets the id the next object of {@code kind} ("shm", "sem", "msg") gets (needs CONFIG_CHECKPOINT_RESTORE). */
    public static void nextId(String kind, int id) throws IOException {
        Files.writeString(Path.of("/proc/sys/kernel/" + kind + "_next_id"), Integer.toString(id));
    }

    /**
     * True when process {@code pid} has a SEM_UNDO list (it made a semop with SEM_UNDO, in any namespace):
     * kcmp(KCMP_SYSVSEM) compares its list with that of {@code without}, a process known to have none.
     */
    public static boolean hasSemUndo(int pid, int without) throws ErrnoException {
        return Syscall.call("kcmp KCMP_SYSVSEM (pid " + pid + ")", SysNr.KCMP, pid, without, KCMP_SYSVSEM, 0, 0, 0) != 0;
    }

    /**
     * Orders processes by their SEM_UNDO list (kcmp KCMP_SYSVSEM): 0 when {@code a} and {@code b} share
     * one (or both have none), else a sign that is consistent over all pairs of one boot.
     */
    public static int compareSemUndo(int a, int b) throws ErrnoException {
        long r = Syscall.call("kcmp KCMP_SYSVSEM (pids " + a + ", " + b + ")", SysNr.KCMP, a, b, KCMP_SYSVSEM, 0, 0, 0);
        return r == 0 ? 0 : r == 1 ? -1 : 1;
    }

    // ------------------------------------------------------------------ shared memory

    public static ShmInfo shmStat(int id) throws ErrnoException {
        MemorySegment s = stat("shmctl IPC_STAT " + id, SHMCTL, id);
        return new ShmInfo(id, perm(s), s.get(ValueLayout.JAVA_LONG, SHM_SEGSZ), s.get(ValueLayout.JAVA_LONG, SHM_NATTCH));
    }

    /** Creates a segment; returns its id. */
    public static int shmCreate(int key, long size, int mode) throws ErrnoException {
        return (int) Syscall.call("shmget key " + Integer.toHexString(key) + " size " + size, SHMGET, key, size, IPC_CREAT | IPC_EXCL | (mode & 0777));
    }

    /** Attaches a segment in the calling process; returns its address. */
    public static long shmAttach(int id, long address, int flags) throws ErrnoException {
        return Syscall.call("shmat " + id, SHMAT, id, address, flags);
    }

    public static void shmDetach(long address) throws ErrnoException {
        Syscall.call("shmdt", SHMDT, address);
    }

    public static void shmSetPerm(int id, IpcPerm perm) throws ErrnoException {
        set("shmctl IPC_SET " + id, SHMCTL, id, perm, -1);
    }

    public static void shmRemove(int id) throws ErrnoException {
        Syscall.call("shmctl IPC_RMID " + id, SHMCTL, id, IPC_RMID, 0);
    }

    // ------------------------------------------------------------------ semaphores

    public static SemInfo semStat(int id) throws ErrnoException {
        MemorySegment s = stat("semctl IPC_STAT " + id, SEMCTL, id);
        return new SemInfo(id, perm(s), (int) s.get(ValueLayout.JAVA_LONG, SEM_NSEMS));
    }

    public static int semCreate(int key, int count, int mode) throws ErrnoException {
        return (int) Syscall.call("semget key " + Integer.toHexString(key), SEMGET, key, count, IPC_CREAT | IPC_EXCL | (mode & 0777));
    }

    public static short[] semValues(int id, int count) throws ErrnoException {
        MemorySegment s = Scratch.get();
        Syscall.call("semctl GETALL " + id, SEMCTL, id, 0, GETALL, s.address());
        return s.asSlice(0, 2L * count).toArray(ValueLayout.JAVA_SHORT);
    }

    public static void semSetValues(int id, short[] values) throws ErrnoException {
        MemorySegment s = Scratch.get();
        MemorySegment.copy(values, 0, s, ValueLayout.JAVA_SHORT, 0, values.length);
        Syscall.call("semctl SETALL " + id, SEMCTL, id, 0, SETALL, s.address());
    }

    public static void semSetPerm(int id, IpcPerm perm) throws ErrnoException {
        MemorySegment s = Scratch.get();
        s.asSlice(0, DS_SIZE).fill((byte) 0);
        writePerm(s, perm);
        Syscall.call("semctl IPC_SET " + id, SEMCTL, id, 0, IPC_SET, s.address());
    }

    // ------------------------------------------------------------------ message queues

    public static MsgInfo msgStat(int id) throws ErrnoException {
        MemorySegment s = stat("msgctl IPC_STAT " + id, MSGCTL, id);
        return new MsgInfo(id, perm(s), s.get(ValueLayout.JAVA_LONG, MSG_QNUM), s.get(ValueLayout.JAVA_LONG, MSG_QBYTES));
    }

    public static int msgCreate(int key, int mode) throws ErrnoException {
        return (int) Syscall.call("msgget key " + Integer.toHexString(key), MSGGET, key, IPC_CREAT | IPC_EXCL | (mode & 0777));
    }

    /** Sets the queue's permissions and its limit in bytes (raising it above msgmnb needs CAP_SYS_RESOURCE). */
    public static void msgSetPerm(int id, IpcPerm perm, long maxBytes) throws ErrnoException {
        set("msgctl IPC_SET " + id, MSGCTL, id, perm, maxBytes);
    }

    /** A copy of the message at {@code index} (0 = the oldest), left in the queue: its type, then its text. */
    public static Message msgPeek(int id, int index, int maxSize) throws IOException {
        MemorySegment s = Scratch.get();
        maxSize = Math.min(maxSize, MAX_MESSAGE); // a longer message fails with E2BIG
        long n = Syscall.call("msgrcv MSG_COPY " + id, MSGRCV, id, s.address(), maxSize, index, IPC_NOWAIT | MSG_COPY, 0);
        return new Message(s.get(ValueLayout.JAVA_LONG, 0), s.asSlice(8, n).toArray(ValueLayout.JAVA_BYTE));
    }

    /** Appends a message to the queue, never waiting (the queue was emptied before). */
    public static void msgSend(int id, Message m) throws IOException {
        MemorySegment s = Scratch.get();
        if (m.text().length > MAX_MESSAGE) throw new IOException("msgsnd " + id + ": a message of " + m.text().length + " bytes");
        s.set(ValueLayout.JAVA_LONG, 0, m.type());
        MemorySegment.copy(m.text(), 0, s, ValueLayout.JAVA_BYTE, 8, m.text().length);
        Syscall.call("msgsnd " + id, MSGSND, id, s.address(), m.text().length, IPC_NOWAIT);
    }

    /** The longest message text handled (the scratch area holds it after its type). */
    public static final int MAX_MESSAGE = Scratch.SIZE - 8;

    /**
     * Attaches segment {@code id} in cryo itself (read-only unless {@code writable}), to copy its content
     * out or in; closing detaches it.
     */
    public static Attached attach(int id, long size, boolean writable) throws ErrnoException {
        long at = shmAttach(id, 0, writable ? 0 : SHM_RDONLY);
        return new Attached(at, MemorySegment.ofAddress(at).reinterpret(size));
    }

    /** A segment attached in cryo. */
    public static final class Attached implements AutoCloseable {
        private final long address;
        private final MemorySegment memory;

        private Attached(long address, MemorySegment memory) {
            this.address = address;
            this.memory = memory;
        }

        /** Bytes {@code [offset, offset+length)} of the segment. */
        public java.nio.ByteBuffer view(long offset, int length) {
            return memory.asSlice(offset, length).asByteBuffer();
        }

        @Override
        public void close() throws ErrnoException {
            shmDetach(address);
        }
    }

    /** One message of a queue. */
    public record Message(long type, byte[] text) {}

    // ------------------------------------------------------------------ shared struct handling

    private static MemorySegment stat(String what, int nr, int id) throws ErrnoException {
        MemorySegment s = Scratch.get();
        s.asSlice(0, DS_SIZE).fill((byte) 0);
        // semctl takes the command third, after the semaphore number
        if (nr == SEMCTL) Syscall.call(what, nr, id, 0, IPC_STAT, s.address());
        else Syscall.call(what, nr, id, IPC_STAT, s.address());
        return s;
    }

    private static void set(String what, int nr, int id, IpcPerm perm, long msgQbytes) throws ErrnoException {
        MemorySegment s = Scratch.get();
        s.asSlice(0, DS_SIZE).fill((byte) 0);
        writePerm(s, perm);
        if (msgQbytes >= 0) s.set(ValueLayout.JAVA_LONG, MSG_QBYTES, msgQbytes);
        Syscall.call(what, nr, id, IPC_SET, s.address());
    }

    private static IpcPerm perm(MemorySegment s) {
        return new IpcPerm(s.get(ValueLayout.JAVA_INT, 0), s.get(ValueLayout.JAVA_INT, 4), s.get(ValueLayout.JAVA_INT, 8),
                s.get(ValueLayout.JAVA_INT, 12), s.get(ValueLayout.JAVA_INT, 16), s.get(ValueLayout.JAVA_INT, 20));
    }

    private static void writePerm(MemorySegment s, IpcPerm p) {
        s.set(ValueLayout.JAVA_INT, 4, p.uid());
        s.set(ValueLayout.JAVA_INT, 8, p.gid());
        s.set(ValueLayout.JAVA_INT, 20, p.mode() & 0777);
    }
}
