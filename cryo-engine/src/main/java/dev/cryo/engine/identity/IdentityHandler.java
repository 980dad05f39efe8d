package dev.cryo.engine.identity;

import dev.cryo.engine.DumpSession;
import dev.cryo.image.task.IdentityEntry;
import dev.cryo.linux.process.TaskAttributes;
import dev.cryo.linux.proc.ProcStatus;
import dev.cryo.linux.proc.StatusParser;
import dev.cryo.linux.syscall.SysNr;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Who the process is and where it runs: cwd, root, umask, personality, scheduling, credentials, rlimits. */
public final class IdentityHandler {

    /** Needs the session's scratch area (call before it is unmapped). */
    public IdentityEntry dump(DumpSession s) throws IOException {
        int pid = s.pid();
        Path proc = Path.of("/proc/" + pid);
        ProcStatus status = StatusParser.read(pid);
        List<long[]> rlimits = new ArrayList<>();
        // from inside: prlimit on another process needs CAP_SYS_RESOURCE or the same uids, and neither is
        // guaranteed (our machines run without CAP_SYS_RESOURCE; the process may have changed its uid)
        for (int r = 0; r < TaskAttributes.RLIMIT_COUNT; r++) {
            s.injector(pid).call("prlimit64(" + r + ")", SysNr.PRLIMIT64, 0, r, 0, s.scratch());
            rlimits.add(new long[] {r, s.memory().readLong(s.scratch()), s.memory().readLong(s.scratch() + 8)});
        }
        int personality = Integer.parseUnsignedInt(Files.readString(proc.resolve("personality")).strip(), 16);
        return new IdentityEntry(Files.readSymbolicLink(proc.resolve("cwd")).toString(),
                Files.readSymbolicLink(proc.resolve("root")).toString(), status.umask(), personality,
                TaskAttributes.nice(pid), TaskAttributes.schedPolicy(pid), TaskAttributes.schedPriority(pid),
                List.of(status.uid().real(), status.uid().effective(), status.uid().saved(), status.uid().fs()),
                List.of(status.gid().real(), status.gid().effective(), status.gid().saved(), status.gid().fs()),
                List.copyOf(status.groups()), rlimits);
    }
}
