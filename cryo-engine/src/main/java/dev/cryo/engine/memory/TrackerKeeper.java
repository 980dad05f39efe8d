package dev.cryo.engine.memory;

import dev.cryo.engine.EngineException;
import dev.cryo.engine.HelperBinary;
import dev.cryo.linux.errno.ErrnoException;
import dev.cryo.linux.fd.RemoteFds;
import dev.cryo.linux.proc.StatParser;
import dev.cryo.linux.process.Signals;
import dev.cryo.linux.syscall.SysNr;
import dev.cryo.linux.syscall.Syscall;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * Holds a process's {@link DirtyTracker} between two one-shot {@code cryo checkpoint} commands: a tiny
 * keeper process ({@code cryo-helper keep}) holds the userfaultfd and exits when the process does, and a
 * state file (/run/cryo/track/PID, 0600) says which checkpoint the record of writes starts from.
 *
 * <p>Taking the tracker back stops its keeper and deletes the state first: if the checkpoint that took
 * it fails, nothing claims a baseline any more, and the next one falls back to comparing hashes.
 * Process start times (from /proc/PID/stat) guard against a PID reused by another process, including a
 * restored one, whose pages this tracker never saw.
 */
public final class TrackerKeeper implements TrackerHolder {
    /** Keeper processes, one per tracked process, for one-shot {@code cryo checkpoint} commands. */
    public static final TrackerHolder PROCESSES = new TrackerKeeper();
    private static final Path DIR = Path.of("/run/cryo/track");

    private TrackerKeeper() {}

    /** Takes the tracker of {@code pid} back from its keeper (which then exits). */
    @Override
    public Taken take(int pid, Path store) throws IOException {
        Path file = DIR.resolve(Integer.toString(pid));
        if (!Files.exists(file)) return Taken.never();
        Properties p = new Properties();
        p.load(new StringReader(Files.readString(file)));
        Files.deleteIfExists(file);
        int keeper = Integer.parseInt(p.getProperty("keeper_pid", "0"));
        int keeperPidfd = -1;
        try {
            // the pidfd first: if the start time matches after it is open, it is the keeper's, not a reuser's
            if (keeper > 0) keeperPidfd = RemoteFds.pidfdOpen(keeper);
            if (startTime(keeper) != Long.parseLong(p.getProperty("keeper_start", "-1"))) {
                RemoteFds.close(keeperPidfd);
                keeperPidfd = -1;
            }
        } catch (IOException | NumberFormatException ignored) {
            RemoteFds.close(keeperPidfd);
            keeperPidfd = -1;
            // the keeper is gone since (with the process it tracked, or killed)
        }
        try {
            if (startTime(pid) != Long.parseLong(p.getProperty("target_start", "-1"))) {
                return Taken.none("the process was restored or replaced since its last checkpoint");
            }
            if (keeperPidfd < 0) return Taken.none("the tracker's keeper process is gone");
            if (!store.toAbsolutePath().normalize().toString().equals(p.getProperty("store"))) {
                return Taken.none("the previous checkpoint is in another store");
            }
            int fd = RemoteFds.getfd(keeperPidfd, Integer.parseInt(p.getProperty("keeper_fd", "-1")));
            String what = Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)).toString();
            if (!what.equals("anon_inode:[userfaultfd]")) {
                RemoteFds.close(fd);
                return Taken.none("the tracker's keeper holds no userfaultfd");
            }
            return new Taken(DirtyTracker.adopt(pid, fd, p.getProperty("hot_chunks", "")), p.getProperty("baseline"),
                    Long.parseLong(p.getProperty("expected_copy", "0")), null);
        } catch (IOException | NumberFormatException e) {
            return Taken.none("the tracker could not be taken back (" + e.getMessage() + ")");
        } finally {
            if (keeperPidfd >= 0) {
                Syscall.raw(SysNr.PIDFD_SEND_SIGNAL, keeperPidfd, Signals.SIGTERM, 0, 0, 0, 0);
                RemoteFds.close(keeperPidfd);
            }
        }
    }

    /**
     * Hands the tracker to a new keeper process (our descriptor is closed once the keeper has its own); the
     * next checkpoint of the process takes it back.
     */
    @Override
    public void keep(DirtyTracker tracker, String baselineId, Path store, long expectedCopy)
            throws IOException, EngineException {
        try (tracker) {
            startKeeper(tracker, baselineId, store, expectedCopy);
        }
    }

    private static void startKeeper(DirtyTracker tracker, String baselineId, Path store, long expectedCopy)
            throws IOException, EngineException {
        int pid = tracker.pid();
        Process p = new ProcessBuilder(HelperBinary.path("checkpoint").toString(), "keep",
                Long.toString(ProcessHandle.current().pid()), Integer.toString(tracker.fd()), Integer.toString(pid))
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .start();
        String out, err;
        try {
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("cryo-helper keep did not answer");
            }
            out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while starting the tracker's keeper");
        }
        String[] f = out.split(" ");
        if (p.exitValue() != 0 || f.length != 2) throw new IOException("cryo-helper keep failed: " + err);
        int keeper = Integer.parseInt(f[0]);
        Properties state = new Properties();
        state.setProperty("target_pid", Integer.toString(pid));
        state.setProperty("target_start", Long.toString(startTime(pid)));
        state.setProperty("keeper_pid", f[0]);
        state.setProperty("keeper_start", Long.toString(startTime(keeper)));
        state.setProperty("keeper_fd", f[1]);
        state.setProperty("store", store.toAbsolutePath().normalize().toString());
        state.setProperty("baseline", baselineId);
        state.setProperty("expected_copy", Long.toString(expectedCopy));
        state.setProperty("hot_chunks", tracker.hotChunks());
        StringWriter text = new StringWriter();
        state.store(text, "cryo dirty tracker of pid " + pid);
        Files.createDirectories(DIR, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path tmp = Files.createTempFile(DIR, pid + ".", ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(tmp, text.toString());
        Files.move(tmp, DIR.resolve(Integer.toString(pid)), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private static long startTime(int pid) throws IOException {
        return StatParser.read(pid).starttime();
    }
}
