package dev.cryo.engine.inject;

import dev.cryo.linux.mem.RemoteMemory;
import dev.cryo.linux.proc.MapsEntry;

import java.io.IOException;
import java.util.List;

/** Finds a {@code syscall} instruction (0f 05) in a process's vdso: the one piece of code every process has. */
public final class Vdso {
    private Vdso() {}

    public static long syscallInstruction(int pid, List<MapsEntry> maps) throws IOException {
        for (MapsEntry m : maps) {
            if (!m.path().equals("[vdso]")) continue;
            byte[] code = new RemoteMemory(pid).read(m.start(), (int) Math.min(m.length(), 60 * 1024));
            for (int i = 0; i + 1 < code.length; i++) {
                if (code[i] == 0x0f && code[i + 1] == 0x05) return m.start() + i;
            }
        }
        throw new IOException("pid " + pid + ": no syscall instruction found in its vdso");
    }
}
