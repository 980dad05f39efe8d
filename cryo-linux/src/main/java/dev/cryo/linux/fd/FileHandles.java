package dev.cryo.linux.fd;

import dev.cryo.linux.syscall.Scratch;
import dev.cryo.linux.syscall.SysNr;
import dev.cryo.linux.syscall.Syscall;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;

/** File handles (name_to_handle_at's form, as fdinfo prints them for inotify and fanotify marks) turned into paths. */
public final class FileHandles {
    private static final int OPEN_BY_HANDLE_AT = 304, O_PATH = 010000000, O_CLOEXEC = 02000000, O_DIRECTORY = 0200000,
            AT_FDCWD = -100;

    private FileHandles() {}

    /**
     * The path, as seen from cryo, of the file a handle names; {@code mountPoint} is any mount of its
     * filesystem. Needs CAP_DAC_READ_SEARCH. Fails (ESTALE) when the file no longer exists.
     */
    public static Path path(String mountPoint, int type, byte[] handle) throws IOException {
        MemorySegment s = Scratch.get();
        byte[] mp = (mountPoint + "\0").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        MemorySegment.copy(mp, 0, s, ValueLayout.JAVA_BYTE, 0, mp.length);
        // not O_PATH: open_by_handle_at does not take an O_PATH descriptor for the mount (EBADF)
        int mount = (int) Syscall.call("open " + mountPoint, SysNr.OPENAT, AT_FDCWD, s.address(), O_DIRECTORY | O_CLOEXEC, 0);
        try {
            s.set(ValueLayout.JAVA_INT, 0, handle.length); // struct file_handle { u32 handle_bytes; int handle_type; u8 f_handle[]; }
            s.set(ValueLayout.JAVA_INT, 4, type);
            MemorySegment.copy(handle, 0, s, ValueLayout.JAVA_BYTE, 8, handle.length);
            int fd = (int) Syscall.call("open_by_handle_at", OPEN_BY_HANDLE_AT, mount, s.address(), O_PATH | O_CLOEXEC);
            try {
                return Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd));
            } finally {
                RemoteFds.close(fd);
            }
        } finally {
            RemoteFds.close(mount);
        }
    }
}
