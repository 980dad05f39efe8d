package dev.cryo.engine.restore;

import dev.cryo.engine.EngineException;
import dev.cryo.linux.proc.ProcStat;
import dev.cryo.linux.proc.StatParser;
import dev.cryo.linux.proc.StatusParser;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The process a restore reshapes: started by {@code cryo-helper stub} with exactly the recorded PID
 * (clone3 set_tid), stopped before it runs any code of its own. Without --detach the helper stays its
 * parent and reports its exit status.
 */
public final class Stub {
    private static final int PID_IN_USE = 3;
    /** PID 1 here takes about 1.5 s to reap orphans: wait that long, and then some, for a zombie to go. */
    private static final long PID_WAIT_MILLIS = 5_000;

    private final Process helper;
    private final int pid;

    private Stub(Process helper, int pid) {
        this.helper = helper;
        this.pid = pid;
    }

    public int pid() {
        return pid;
    }

    /** Starts the stub with PID {@code pid}; waits, bounded, for a dying process that still holds it. */
    public static Stub launch(Path helperBinary, int pid, boolean sessionLeader, boolean detach)
            throws EngineException, IOException, InterruptedException {
        return launch(helperBinary, pid, sessionLeader, detach, false);
    }

    /**
     * Starts the stub; with {@code newNamespace}, as PID {@code pid} inside a new PID namespace (its init
     * created by cryo-helper), which never collides with a PID in use in ours.
     */
    public static Stub launchInNewNamespace(Path helperBinary, int pid, boolean sessionLeader, boolean detach)
            throws EngineException, IOException, InterruptedException {
        return launch(helperBinary, pid, sessionLeader, detach, true);
    }

    private static Stub launch(Path helperBinary, int pid, boolean sessionLeader, boolean detach, boolean newNamespace)
            throws EngineException, IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(PID_WAIT_MILLIS);
        boolean seenLeftover = false;
        for (;;) {
            List<String> cmd = new ArrayList<>(List.of(helperBinary.toString(), "stub", "--pid", Integer.toString(pid)));
            if (sessionLeader) cmd.add("--setsid");
            if (newNamespace) cmd.add("--newns");
            if (detach) cmd.add("--detach");
            Process p = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .redirectError(ProcessBuilder.Redirect.PIPE).start();
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            String line = out.readLine();
            if (line != null) {
                return new Stub(p, Integer.parseInt(line.strip()));
            }
            int code = p.waitFor();
            String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (code != PID_IN_USE) throw new IOException("cryo-helper stub failed (exit " + code + "): " + err);
            String holder = holder(pid);
            if (holder != null && leftoverStub(helperBinary, pid)) {
                // ended (or soon ended, once old enough): wait for it as for a zombie
                if (!seenLeftover) deadline += TimeUnit.MILLISECONDS.toNanos(LEFTOVER_AGE_MILLIS);
                seenLeftover = true;
                holder = null;
            }
            if (holder != null || System.nanoTime() > deadline) {
                throw new PidInUseException(pid, holder);
            }
            Thread.sleep(20); // a zombie is being reaped: poll until the PID is free
        }
    }

    /** Who holds a PID, or null when it is free or only a zombie about to be reaped. */
    private static String holder(int pid) {
        try {
            ProcStat st = StatParser.read(pid);
            return st.isDead() ? null : "pid " + pid + " is " + st.comm();
        } catch (IOException gone) {
            return null;
        }
    }

    /** Stubs younger than this may be about to be seized by a restore that is running. */
    private static final long LEFTOVER_AGE_MILLIS = 3_000;
    /** /proc's clock ticks (USER_HZ): 100 on every Linux ABI. */
    private static final long USER_HZ = 100;

    /**
     * True if {@code pid} is a stub left behind by a restore whose cryo died before it seized it (after that,
     * the stub has PTRACE_O_EXITKILL and dies with its tracer); it is ended once it is old enough. Such a stub
     * has stopped itself before running anything of the checkpointed program, nobody traces it, and it would
     * hold the PID forever. Recognised by all of that: stopped, untraced, cryo-helper's own binary run as a
     * stub; and ended only when older than any live restore's stub can be before it is seized.
     */
    private static boolean leftoverStub(Path helperBinary, int pid) {
        try {
            ProcStat st = StatParser.read(pid);
            if (st.state() != 'T' || StatusParser.read(pid).tracerPid() != 0) return false;
            if (!Files.isSameFile(Path.of("/proc/" + pid + "/exe"), helperBinary)) return false;
            if (!Files.readString(Path.of("/proc/" + pid + "/cmdline")).contains("\0stub\0")) return false;
            double uptime = Double.parseDouble(Files.readString(Path.of("/proc/uptime")).split(" ")[0]);
            if (uptime * 1000 - st.starttime() * 1000 / USER_HZ >= LEFTOVER_AGE_MILLIS) {
                dev.cryo.linux.process.Signals.kill(pid, dev.cryo.linux.process.Signals.SIGKILL);
            }
            return true;
        } catch (IOException | RuntimeException gone) {
            return false;
        }
    }

    /** The restored root's exit code (128+signal if killed); only when not detached. */
    public int awaitExit() throws InterruptedException {
        return helper.waitFor();
    }

    /** Ends a stub whose restore failed. */
    public void kill() {
        try {
            dev.cryo.linux.process.Signals.kill(pid, dev.cryo.linux.process.Signals.SIGKILL);
        } catch (IOException ignored) {
            // already gone
        }
        helper.destroyForcibly();
    }

    /** Waits, bounded, until the stub has stopped itself (state T) and can be seized. */
    public void awaitStopped() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < deadline) {
            if (Files.exists(Path.of("/proc/" + pid)) && StatParser.read(pid).state() == 'T') return;
            Thread.sleep(1);
        }
        throw new IOException("the restore stub (pid " + pid + ") did not stop itself within 5 s");
    }
}
