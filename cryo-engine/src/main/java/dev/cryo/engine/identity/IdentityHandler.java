package dev.cryo.engine.identity;

import dev.cryo.engine.DumpSession;
import dev.cryo.engine.RestoreSession;
import dev.cryo.image.task.IdentityEntry;
import dev.cryo.linux.proc.LimitsParser;
import dev.cryo.linux.proc.ProcStatus;
import dev.cryo.linux.proc.Rlimit;
import dev.cryo.linux.proc.StatusParser;
import dev.cryo.linux.process.TaskAttributes;
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
        // from /proc/PID/limits (readable by all; one read instead of 16 injected calls, which every freeze
        // paid); prlimit on another process would need CAP_SYS_RESOURCE or the same uids. A limit the file
        // lacks is asked from inside
        long[][] known = new long[TaskAttributes.RLIMIT_COUNT][];
        for (Rlimit l : LimitsParser.read(pid)) {
            if (l.resource() >= 0 && l.resource() < known.length) known[l.resource()] = new long[] {l.resource(), l.soft(), l.hard()};
        }
        for (int r = 0; r < known.length; r++) {
            if (known[r] == null) {
                s.injector(pid).call("prlimit64(" + r + ")", SysNr.PRLIMIT64, 0, r, 0, s.scratch());
                known[r] = new long[] {r, s.memory().readLong(s.scratch()), s.memory().readLong(s.scratch() + 8)};
            }
            rlimits.add(known[r]);
        }
        var inj = s.injector(pid);
        int dumpable = (int) inj.call("prctl(PR_GET_DUMPABLE)", SysNr.PRCTL, PR_GET_DUMPABLE, 0, 0);
        inj.call("prctl(PR_GET_CHILD_SUBREAPER)", SysNr.PRCTL, PR_GET_CHILD_SUBREAPER, s.scratch(), 0);
        boolean subreaper = s.memory().readLong(s.scratch()) != 0;
        boolean noNewPrivs = inj.call("prctl(PR_GET_NO_NEW_PRIVS)", SysNr.PRCTL, PR_GET_NO_NEW_PRIVS, 0, 0) == 1;
        boolean thpDisabled = inj.call("prctl(PR_GET_THP_DISABLE)", SysNr.PRCTL, PR_GET_THP_DISABLE, 0, 0) == 1;
        long timerSlack = inj.call("prctl(PR_GET_TIMERSLACK)", SysNr.PRCTL, PR_GET_TIMERSLACK, 0, 0);
        int personality = Integer.parseUnsignedInt(Files.readString(proc.resolve("personality")).strip(), 16);
        return new IdentityEntry(Files.readSymbolicLink(proc.resolve("cwd")).toString(),
                Files.readSymbolicLink(proc.resolve("root")).toString(), status.umask(), personality,
                TaskAttributes.nice(pid), TaskAttributes.schedPolicy(pid), TaskAttributes.schedPriority(pid),
                List.of(status.uid().real(), status.uid().effective(), status.uid().saved(), status.uid().fs()),
                List.of(status.gid().real(), status.gid().effective(), status.gid().saved(), status.gid().fs()),
                List.copyOf(status.groups()), rlimits, dumpable, subreaper, noNewPrivs, thpDisabled, timerSlack);
    }

    private static final int PR_GET_DUMPABLE = 3, PR_SET_DUMPABLE = 4, PR_SET_TIMERSLACK = 29, PR_GET_TIMERSLACK = 30,
            PR_SET_CHILD_SUBREAPER = 36, PR_GET_CHILD_SUBREAPER = 37, PR_SET_NO_NEW_PRIVS = 38,
            PR_GET_NO_NEW_PRIVS = 39, PR_SET_THP_DISABLE = 41, PR_GET_THP_DISABLE = 42;

    /** cwd, umask, personality, rlimits and scheduling; credentials come last, in {@link #restoreCredentials}. */
    public void restore(RestoreSession s) throws IOException {
        IdentityEntry id = s.image().identity();
        var inj = s.main();
        if (!id.root().equals("/")) {
            throw new IOException("the process ran chrooted to " + id.root() + ": chroot is not supported yet");
        }
        s.resetArgs();
        inj.call("chdir " + id.cwd(), SysNr.CHDIR, s.putString(id.cwd()), 0, 0);
        inj.call("umask", SysNr.UMASK, id.umask(), 0, 0);
        inj.call("personality", SysNr.PERSONALITY, id.personality() & 0xffffffffL, 0, 0);
        for (long[] r : id.rlimits()) {
            s.resetArgs();
            java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(16).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            b.putLong(r[1]).putLong(r[2]);
            long res = inj.raw(SysNr.PRLIMIT64, 0, r[0], s.put(b.array()), 0, 0, 0);
            if (res < 0) {
                throw new IOException("resource limit " + r[0] + " (soft " + r[1] + ", hard " + r[2]
                        + ") cannot be set: " + dev.cryo.linux.errno.Errno.describe((int) -res)
                        + " (raising a hard limit needs CAP_SYS_RESOURCE)");
            }
        }
        inj.call("prctl(PR_SET_TIMERSLACK)", SysNr.PRCTL, PR_SET_TIMERSLACK, id.timerSlackNanos(), 0);
        if (id.childSubreaper()) inj.call("prctl(PR_SET_CHILD_SUBREAPER)", SysNr.PRCTL, PR_SET_CHILD_SUBREAPER, 1, 0);
        if (id.thpDisabled()) inj.call("prctl(PR_SET_THP_DISABLE)", SysNr.PRCTL, PR_SET_THP_DISABLE, 1, 0);
        // threads created later inherit both from the main thread
        if (id.schedPolicy() != 0) TaskAttributes.setScheduler(s.outerPid(), id.schedPolicy(), id.schedPriority());
        TaskAttributes.setNice(s.outerPid(), id.nice());
    }

    /** Groups, gids, uids: last, because dropping privileges may forbid what comes before. */
    public void restoreCredentials(RestoreSession s) throws IOException {
        IdentityEntry id = s.image().identity();
        for (var inj : s.injectors()) {
            // credentials are per thread in the kernel; glibc keeps them equal across threads, as we do
            s.resetArgs();
            java.nio.ByteBuffer g = java.nio.ByteBuffer.allocate(Math.max(4, id.groups().size() * 4))
                    .order(java.nio.ByteOrder.LITTLE_ENDIAN);
            for (int x : id.groups()) g.putInt(x);
            inj.call("setgroups", SysNr.SETGROUPS, id.groups().size(), s.put(g.array()), 0);
            inj.call("setresgid", SysNr.SETRESGID, id.gids().get(0), id.gids().get(1), id.gids().get(2));
            inj.call("setfsgid", SysNr.SETFSGID, id.gids().get(3), 0, 0);
            inj.call("setresuid", SysNr.SETRESUID, id.uids().get(0), id.uids().get(1), id.uids().get(2));
            inj.call("setfsuid", SysNr.SETFSUID, id.uids().get(3), 0, 0);
        }
        // changing credentials resets the dumpable flag; no_new_privs can only be set, so it comes last too
        s.main().call("prctl(PR_SET_DUMPABLE)", SysNr.PRCTL, PR_SET_DUMPABLE, id.dumpable(), 0);
        if (id.noNewPrivs()) s.main().call("prctl(PR_SET_NO_NEW_PRIVS)", SysNr.PRCTL, PR_SET_NO_NEW_PRIVS, 1, 0);
    }
}
