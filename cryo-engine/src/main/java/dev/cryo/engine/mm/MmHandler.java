package dev.cryo.engine.mm;

import dev.cryo.engine.DumpSession;
import dev.cryo.engine.RestoreSession;
import dev.cryo.engine.inject.SyscallInjector;
import dev.cryo.image.mm.MmEntry;
import dev.cryo.linux.proc.ProcStat;
import dev.cryo.linux.proc.StatParser;
import dev.cryo.linux.syscall.SysNr;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/** The mm fields of a process (code, data, brk, stack, args, env), its auxv and its executable. */
public final class MmHandler {

    public MmEntry dump(DumpSession s) throws IOException {
        ProcStat st = StatParser.read(s.pid());
        // the current brk is in no /proc file: ask the process itself
        long brk = s.injector(s.pid()).call("brk(0)", SysNr.BRK, 0, 0, 0);
        byte[] auxv = Files.readAllBytes(Path.of("/proc/" + s.pid() + "/auxv"));
        String exe = Files.readSymbolicLink(Path.of("/proc/" + s.pid() + "/exe")).toString();
        return new MmEntry(st.startcode(), st.endcode(), st.startData(), st.endData(), st.startBrk(), brk,
                st.startstack(), st.argStart(), st.argEnd(), st.envStart(), st.envEnd(), auxv, exe);
    }

    private static final int PR_SET_NAME = 15, PR_SET_MM = 35, PR_SET_MM_MAP = 14, AT_FDCWD = -100, O_CLOEXEC = 02000000;

    /** PR_SET_MM_MAP with every field, the auxv and the executable; then the process name. */
    public void restore(RestoreSession s) throws IOException {
        MmEntry mm = s.image().mm();
        SyscallInjector inj = s.main();
        s.resetArgs();
        long exeFd = inj.call("open executable " + mm.exe(), SysNr.OPENAT, AT_FDCWD, s.putString(mm.exe()), O_CLOEXEC, 0);
        try {
            long auxv = s.put(mm.auxv());
            ByteBuffer map = ByteBuffer.allocate(104).order(ByteOrder.LITTLE_ENDIAN);
            map.putLong(mm.startCode()).putLong(mm.endCode()).putLong(mm.startData()).putLong(mm.endData())
                    .putLong(mm.startBrk()).putLong(mm.brk()).putLong(mm.startStack()).putLong(mm.argStart())
                    .putLong(mm.argEnd()).putLong(mm.envStart()).putLong(mm.envEnd()).putLong(auxv)
                    .putInt(mm.auxv().length).putInt((int) exeFd);
            inj.call("prctl(PR_SET_MM_MAP)", SysNr.PRCTL, PR_SET_MM, PR_SET_MM_MAP, s.put(map.array()), 104);
        } finally {
            inj.raw(SysNr.CLOSE, exeFd, 0, 0, 0, 0, 0);
        }
    }
}
