package dev.cryo.engine.memory;

import dev.cryo.engine.UnsupportedResourceException;
import dev.cryo.image.mm.VmaKind;
import dev.cryo.linux.proc.MapsEntry;

/** Decides how each memory area is dumped and restored, and refuses the ones Cryo cannot handle yet. */
final class VmaClassifier {
    static final int PROT_READ = 1, PROT_WRITE = 2, PROT_EXEC = 4;
    static final int MAP_SHARED = 0x01, MAP_PRIVATE = 0x02, MAP_ANONYMOUS = 0x20, MAP_GROWSDOWN = 0x100;

    private VmaClassifier() {}

    /**
     * Null for areas that are not part of a checkpoint at all ([vsyscall]). {@code alone}: the process is the
     * whole tree, so its shared memory objects cannot be shared with another process of the checkpoint.
     */
    static VmaKind classify(int pid, MapsEntry m, boolean alone) throws java.io.IOException {
        String path = m.path();
        if (path.equals("[vsyscall]")) return null;
        if (path.equals("[vdso]")) return VmaKind.VDSO;
        if (path.startsWith("[vvar")) return VmaKind.VVAR;
        if (m.shared()) {
            if (path.startsWith("/SYSV") && path.endsWith(" (deleted)")) { // the first segment has id (inode) 0
                if (!dev.cryo.engine.ipc.SysvIpcHandler.ownNamespace(pid)) {
                    throw new UnsupportedResourceException(pid, "SysV shared memory segment " + m.inode() + " at "
                            + describe(m), "SysV shared memory is saved only for a group (cryo run), which has an IPC"
                            + " namespace of its own; this process uses the host's");
                }
                return VmaKind.SYSV_SHM;
            }
            if (!m.isFile()) {
                throw new UnsupportedResourceException(pid, "memory area " + describe(m),
                        "shared memory of an unknown kind is not supported");
            }
            if (m.deleted() && alone && path.startsWith("/dev/zero")) {
                return VmaKind.SHARED_ANONYMOUS; // MAP_SHARED|MAP_ANONYMOUS shows so
            }
            if (m.deleted() && alone && path.startsWith("/memfd:")) return VmaKind.MEMFD_SHARED;
            if (m.deleted()) {
                // a deleted file, or (in a tree of several processes, which may share it) a memfd or
                // MAP_SHARED|MAP_ANONYMOUS memory: its content is saved once per inode and every process maps
                // the one re-created copy
                return VmaKind.DELETED_FILE_SHARED;
            }
            if (path.startsWith("/dev/")) {
                throw new UnsupportedResourceException(pid, "memory area " + describe(m), "device mappings are not supported");
            }
            return VmaKind.FILE_SHARED;
        }
        if (m.isFile()) {
            if (path.startsWith("/dev/") && !m.deleted()) {
                throw new UnsupportedResourceException(pid, "memory area " + describe(m), "device mappings are not supported");
            }
            return m.deleted() || path.startsWith("/memfd:") ? VmaKind.DELETED_FILE_PRIVATE : VmaKind.FILE_PRIVATE;
        }
        return VmaKind.ANONYMOUS;
    }

    static int prot(MapsEntry m) {
        return (m.read() ? PROT_READ : 0) | (m.write() ? PROT_WRITE : 0) | (m.exec() ? PROT_EXEC : 0);
    }

    static int flags(MapsEntry m, VmaKind kind) {
        int f = m.shared() ? MAP_SHARED : MAP_PRIVATE;
        if (kind == VmaKind.ANONYMOUS || kind == VmaKind.DELETED_FILE_PRIVATE || kind == VmaKind.SHARED_ANONYMOUS) {
            f |= MAP_ANONYMOUS;
        }
        if (m.path().equals("[stack]")) f |= MAP_GROWSDOWN;
        return f;
    }

    static String describe(MapsEntry m) {
        return String.format("%x-%x %s%s", m.start(), m.end(), m.perms(), m.path().isEmpty() ? "" : " " + m.path());
    }
}
