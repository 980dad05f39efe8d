package dev.cryo.engine.ipc;

import dev.cryo.engine.UnsupportedResourceException;
import dev.cryo.engine.inject.SyscallInjector;
import dev.cryo.image.ipc.IpcNamespaceEntry;
import dev.cryo.image.ipc.IpcOwnerEntry;
import dev.cryo.image.ipc.MessageEntry;
import dev.cryo.image.ipc.MsgQueueEntry;
import dev.cryo.image.ipc.SemSetEntry;
import dev.cryo.image.ipc.ShmSegmentEntry;
import dev.cryo.image.mm.VmaEntry;
import dev.cryo.image.mm.VmaKind;
import dev.cryo.image.task.ProcessEntry;
import dev.cryo.linux.errno.Errno;
import dev.cryo.linux.errno.ErrnoException;
import dev.cryo.linux.ipc.IpcPerm;
import dev.cryo.linux.ipc.MsgInfo;
import dev.cryo.linux.ipc.SemInfo;
import dev.cryo.linux.ipc.ShmInfo;
import dev.cryo.linux.ipc.SysvIpc;
import dev.cryo.store.BlobReader;
import dev.cryo.store.BlobWriter;
import dev.cryo.store.CheckpointReader;
import dev.cryo.store.CheckpointWriter;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.Future;

/**
 * SysV shared memory, semaphores and message queues of a group's own IPC namespace (as CRIU's ipc_ns).
 *
 * <p>Dump: on a thread of cryo moved into the group's namespace, every object is read with the
 * ordinary calls: IPC_STAT, the segments' content through an attach of cryo's own, semaphore values
 * with GETALL, messages copied in place with msgrcv(MSG_COPY). Each process's attachments are memory
 * areas of kind {@link VmaKind#SYSV_SHM}. Restore: in the restored group's new namespace, each object is
 * created again with its id (the kernel's {shm,sem,msg}_next_id), key, creator, owner and permissions,
 * then filled; the processes attach their segments while their memory is rebuilt, and segments that were
 * removed while attached are removed again once they all have.
 */
public final class SysvIpcHandler {
    /** The namespace's tunables that shape what its objects may hold; restored first. */
    private static final List<String> LIMITS = List.of("shmmax", "shmall", "shmmni", "shm_rmid_forced", "msgmax",
            "msgmnb", "msgmni", "sem");
    private static final int PROT_WRITE = 2, PROT_EXEC = 4, PAGE = 4096, CHUNK = 1 << 20;
    private static final int MPROTECT = dev.cryo.linux.syscall.SysNr.MPROTECT;

    /** True when process {@code pid} lives in an IPC namespace other than cryo's (a group's own). */
    public static boolean ownNamespace(int pid) throws IOException {
        return !Files.readSymbolicLink(Path.of("/proc/" + pid + "/ns/ipc"))
                .equals(Files.readSymbolicLink(Path.of("/proc/self/ns/ipc")));
    }

    // ---------------------------------------------------------------- dump

    /** The namespace's semaphore sets as {@link #begin} found them (frozen), with what reads adjustments against them. */
    private SemUndoHandler semUndo;

    /**
     * Starts saving every object of the IPC namespace of {@code nsPid} (the group's init; the group is
     * frozen, and stays so until {@link #end}), segment contents into blobs of {@code writer}, on cryo's
     * IPC thread while the processes are dumped; null when the group shares cryo's namespace. The
     * semaphore sets are read first, before it returns: see {@link #semUndo}.
     */
    public Future<IpcNamespaceEntry> begin(int nsPid, CheckpointWriter writer) throws Exception {
        if (!ownNamespace(nsPid)) return null;
        semUndo = IpcNamespaceThread.call(nsPid, () -> new SemUndoHandler(dumpSemaphores(), semopm()));
        return IpcNamespaceThread.submit(nsPid, () -> dumpHere(nsPid, writer, semUndo.sets()));
    }

    /**
     * What reads each process's SEM_UNDO adjustments on the sets {@link #begin} saved; null when there is
     * no namespace of the group's own to save.
     */
    public SemUndoHandler semUndo() {
        return semUndo;
    }

    /**
     * The saved namespace (null without {@code begin}'s work), once it is done; checks that every
     * attachment of {@code processes} (with PIDs as seen from cryo) can be made again.
     */
    public IpcNamespaceEntry end(Future<IpcNamespaceEntry> started, List<ProcessEntry> processes) throws Exception {
        if (started == null) return null;
        IpcNamespaceEntry entry = IpcNamespaceThread.result(started);
        checkAttachments(processes, entry);
        return entry;
    }

    private static List<SemSetEntry> dumpSemaphores() throws ErrnoException, IOException {
        List<SemSetEntry> semaphores = new ArrayList<>();
        for (int id : SysvIpc.ids("sem")) {
            SemInfo info = SysvIpc.semStat(id);
            short[] v = SysvIpc.semValues(id, info.count());
            long[] values = new long[v.length];
            for (int i = 0; i < v.length; i++) values[i] = Short.toUnsignedLong(v[i]);
            semaphores.add(new SemSetEntry(owner(id, info.perm()), values));
        }
        return semaphores;
    }

    /** The namespace's limit of operations per semop: the third field of its "sem" tunable. */
    private static int semopm() throws IOException {
        String sem = SysvIpc.readLimit("sem");
        return sem == null ? 32 : Integer.parseInt(sem.trim().split("\\s+")[2]);
    }

    private static IpcNamespaceEntry dumpHere(int nsPid, CheckpointWriter writer, List<SemSetEntry> semaphores)
            throws Exception {
        List<String> limits = new ArrayList<>();
        for (String name : LIMITS) {
            String value = SysvIpc.readLimit(name);
            if (value != null) limits.add(name + "=" + value);
        }
        List<ShmSegmentEntry> segments = new ArrayList<>();
        for (int id : SysvIpc.ids("shm")) {
            ShmInfo info = SysvIpc.shmStat(id);
            String blob = "ipc/shm/" + id;
            BlobWriter out = writer.blob(blob);
            try (SysvIpc.Attached a = SysvIpc.attach(id, info.size(), false)) {
                for (long off = 0; off < info.size(); off += CHUNK) {
                    out.write(a.view(off, (int) Math.min(CHUNK, info.size() - off)));
                }
            }
            segments.add(new ShmSegmentEntry(owner(id, info.perm()), info.size(), info.removed(), blob));
        }
        List<MsgQueueEntry> queues = new ArrayList<>();
        for (int id : SysvIpc.ids("msg")) {
            MsgInfo info = SysvIpc.msgStat(id);
            List<MessageEntry> messages = new ArrayList<>();
            for (int i = 0; i < info.messages(); i++) {
                SysvIpc.Message m;
                try {
                    m = SysvIpc.msgPeek(id, i, (int) Math.min(info.maxBytes(), SysvIpc.MAX_MESSAGE));
                } catch (ErrnoException e) {
                    throw new UnsupportedResourceException(nsPid, "SysV message queue " + id + " (message " + i
                            + " of " + info.messages() + ")", e.code() == Errno.ENOSYS
                            ? "this kernel cannot copy messages (CONFIG_CHECKPOINT_RESTORE)" : e.getMessage());
                }
                messages.add(new MessageEntry(m.type(), m.text()));
            }
            queues.add(new MsgQueueEntry(owner(id, info.perm()), info.maxBytes(), messages));
        }
        return new IpcNamespaceEntry(limits, segments, semaphores, queues);
    }

    private static IpcOwnerEntry owner(int id, IpcPerm p) {
        return new IpcOwnerEntry(id, p.key(), p.uid(), p.gid(), p.cuid(), p.cgid(), p.mode() & 0777);
    }

    /**
     * Every attachment must be one whole segment from its start, possibly split in several areas by
     * mprotect: shmat can only make that again. One unmapped in part is refused, naming it.
     */
    static void checkAttachments(List<ProcessEntry> processes, IpcNamespaceEntry entry) throws IOException {
        Map<Integer, Long> sizes = new HashMap<>();
        for (ShmSegmentEntry s : entry.segments()) sizes.put(s.owner().id(), s.size());
        for (ProcessEntry p : processes) {
            VmaEntry open = null; // the last area of the attachment being followed
            long covered = 0, size = 0;
            for (VmaEntry v : p.vmas()) {
                if (v.kind() != VmaKind.SYSV_SHM) continue;
                Long segment = sizes.get(v.shmid());
                String what = "SysV shared memory segment " + v.shmid() + " at " + Long.toHexString(v.start());
                if (segment == null) throw new UnsupportedResourceException(p.pid(), what, "not found in its namespace");
                boolean continues = open != null && open.shmid() == v.shmid() && open.end() == v.start()
                        && v.fileOffset() == covered && covered < size;
                if (!continues) {
                    if (open != null && covered != size) throw partial(p.pid(), open);
                    if (v.fileOffset() != 0) throw partial(p.pid(), v);
                    covered = 0;
                    size = (segment + PAGE - 1) & -PAGE;
                }
                covered += v.length();
                open = v;
            }
            if (open != null && covered != size) throw partial(p.pid(), open);
        }
    }

    private static UnsupportedResourceException partial(int pid, VmaEntry v) {
        return new UnsupportedResourceException(pid, "SysV shared memory segment " + v.shmid() + " at "
                + Long.toHexString(v.start()), "attached in part (unmapped in part since shmat) is not supported");
    }

    // ---------------------------------------------------------------- restore

    /**
     * Re-creates every object of {@code entry} in the IPC namespace of {@code nsPid} (the restored group's
     * root, in a namespace of its own, still empty), with its id, owner and content.
     */
    public void restore(IpcNamespaceEntry entry, int nsPid, CheckpointReader checkpoint) throws Exception {
        if (entry == null) return;
        if (!ownNamespace(nsPid)) {
            if (entry.isEmpty()) return; // nothing to put back but the limits, which are not ours to set here
            throw new IOException("the checkpoint holds SysV IPC objects of a group: restore it as a group (by its name)");
        }
        IpcNamespaceThread.call(nsPid, () -> {
            restoreHere(entry, checkpoint);
            return null;
        });
    }

    private static void restoreHere(IpcNamespaceEntry entry, CheckpointReader checkpoint) throws Exception {
        if (!SysvIpc.ids("shm").isEmpty() || !SysvIpc.ids("sem").isEmpty() || !SysvIpc.ids("msg").isEmpty()) {
            throw new IOException("the restored group's IPC namespace is not empty");
        }
        for (String limit : entry.limits()) {
            int eq = limit.indexOf('=');
            SysvIpc.writeLimit(limit.substring(0, eq), limit.substring(eq + 1));
        }
        for (ShmSegmentEntry s : entry.segments()) {
            IpcOwnerEntry o = s.owner();
            int id = create("shm", o, () -> SysvIpc.shmCreate(o.key(), s.size(), o.mode()));
            SysvIpc.shmSetPerm(id, perm(o));
            BlobReader blob = checkpoint.blob(s.blob());
            if (blob.size() != s.size()) {
                throw new IOException("SysV segment " + id + ": " + blob.size() + " bytes saved, " + s.size() + " expected");
            }
            try (SysvIpc.Attached a = SysvIpc.attach(id, s.size(), true)) {
                for (long off = 0; off < s.size(); off += CHUNK) {
                    blob.read(off, a.view(off, (int) Math.min(CHUNK, s.size() - off)));
                }
            }
        }
        for (SemSetEntry s : entry.semaphores()) {
            IpcOwnerEntry o = s.owner();
            int id = create("sem", o, () -> SysvIpc.semCreate(o.key(), s.values().length, o.mode()));
            short[] values = new short[s.values().length];
            for (int i = 0; i < values.length; i++) values[i] = (short) s.values()[i];
            SysvIpc.semSetValues(id, values);
            SysvIpc.semSetPerm(id, perm(o));
        }
        for (MsgQueueEntry q : entry.queues()) {
            IpcOwnerEntry o = q.owner();
            int id = create("msg", o, () -> SysvIpc.msgCreate(o.key(), o.mode()));
            SysvIpc.msgSetPerm(id, perm(o), q.maxBytes());
            for (MessageEntry m : q.messages()) SysvIpc.msgSend(id, new SysvIpc.Message(m.type(), m.text()));
        }
    }

    /** Creates one object with its recorded id, as its recorded creator. */
    private static int create(String kind, IpcOwnerEntry o, Callable<Integer> make) throws Exception {
        SysvIpc.nextId(kind, o.id());
        int id = o.cuid() == 0 && o.cgid() == 0 ? make.call() : SysvIpc.asCreator(o.cuid(), o.cgid(), make);
        if (id != o.id()) throw new IOException("SysV " + kind + " " + o.id() + " was re-created as " + id);
        return id;
    }

    private static IpcPerm perm(IpcOwnerEntry o) {
        return new IpcPerm(o.key(), o.uid(), o.gid(), o.cuid(), o.cgid(), o.mode());
    }

    /**
     * After every process has attached its segments: the ones that had been removed while attached are
     * removed again (they go away with their last detach, as before).
     */
    public void finish(IpcNamespaceEntry entry, int nsPid) throws Exception {
        if (entry == null || entry.segments().stream().noneMatch(ShmSegmentEntry::removed)) return;
        IpcNamespaceThread.call(nsPid, () -> {
            for (ShmSegmentEntry s : entry.segments()) {
                if (s.removed()) SysvIpc.shmRemove(s.owner().id());
            }
            return null;
        });
    }

    /**
     * Attaches a segment again in a process being restored, where area {@code v} was: the area at the
     * segment's start attaches the whole segment (read-only when it was not writable, executable when
     * it was); every area then gets its recorded protection back (mprotect may have split them).
     */
    public static void attach(SyscallInjector inj, VmaEntry v) throws IOException {
        if (v.fileOffset() == 0) {
            int flags = ((v.prot() & PROT_WRITE) == 0 ? SysvIpc.SHM_RDONLY : 0) | ((v.prot() & PROT_EXEC) != 0 ? SysvIpc.SHM_EXEC : 0);
            long at = inj.call("shmat " + v.shmid(), SysvIpc.SHMAT, v.shmid(), v.start(), flags);
            if (at != v.start()) throw new IOException("SysV segment " + v.shmid() + " attached at 0x" + Long.toHexString(at));
        }
        inj.call("mprotect SysV segment " + v.shmid(), MPROTECT, v.start(), v.length(), v.prot());
    }
}
