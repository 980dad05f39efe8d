package dev.cryo.engine.mm;

import dev.cryo.engine.DumpSession;
import dev.cryo.image.mm.MmEntry;
import dev.cryo.linux.proc.ProcStat;
import dev.cryo.linux.proc.StatParser;
import dev.cryo.linux.syscall.SysNr;

import java.io.IOException;
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
}
