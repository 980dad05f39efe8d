package dev.cryo.cli.daemon;

import dev.cryo.cli.CliException;
import dev.cryo.linux.errno.ErrnoException;
import dev.cryo.linux.net.ControlSocket;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The resident engine: listens on a unix socket, lets in only its own uid (SO_PEERCRED), and runs each
 * client's command line on a thread of its own, warm. One per socket: a lock file next to the socket says
 * whether one runs, so a socket left by a daemon that died is known to be stale and replaced.
 */
public final class DaemonServer {
    private static final int ENOENT = 2, ECONNREFUSED = 111;
    private final Path socket;
    private final int uid = ControlSocket.effectiveUid();
    private final Map<String, String> env = System.getenv();
    private final CallRunner runner = new CallRunner(env);
    private final JarStamp jars = new JarStamp();
    private final long started = System.currentTimeMillis();
    private final AtomicLong served = new AtomicLong(), declined = new AtomicLong(), refused = new AtomicLong();
    private int active; // connections being served; guarded by this
    private final String ownPidNs = namespace("self", "pid"), ownMntNs = namespace("self", "mnt");
    private final PrintStream log;
    private volatile boolean stopping;
    private int listener = -1;

    public DaemonServer(Path socket, PrintStream log) {
        this.socket = socket;
        this.log = log;
    }

    /** Listens and serves until stopped (a stop request, or the JVM ending). Throws when another daemon runs. */
    public void run() throws IOException, CliException {
        Path dir = socket.getParent();
        DaemonSocket.prepareDirectory(dir, uid);
        try (FileChannel lockFile = FileChannel.open(dir.resolve(socket.getFileName() + ".lock"),
                java.util.EnumSet.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
             FileLock lock = lockFile.tryLock()) {
            if (lock == null) throw new CliException("daemon: " + "already running on " + socket + " (see cryo daemon status)");
            if (Files.exists(socket, LinkOption.NOFOLLOW_LINKS)) {
                // we hold the lock: whoever made this socket is gone
                log.println("cryo: daemon: replacing the stale socket " + socket);
                Files.delete(socket);
            }
            WarmUp.run(log);
            listener = ControlSocket.listen(socket, 64);
            Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
            Thread cleanup = new Thread(this::removeSocket);
            Runtime.getRuntime().addShutdownHook(cleanup);
            StdioRouting.install();
            log.println("cryo: daemon: pid " + ProcessHandle.current().pid() + " listening on " + socket);
            acceptLoop();
            removeSocket();
            awaitIdle();
            log.println("cryo: daemon: stopped after " + served.get() + " requests served, " + declined.get() + " declined, "
                    + refused.get() + " refused");
        }
    }

    private void acceptLoop() {
        long n = 0;
        while (!stopping) {
            int conn;
            try {
                conn = ControlSocket.accept(listener);
            } catch (ErrnoException e) {
                if (stopping) break;
                log.println("cryo: daemon: " + e.getMessage());
                continue;
            }
            changeActive(1);
            Thread.ofPlatform().name("cryo-request-" + ++n).start(() -> {
                try {
                    serve(conn);
                } finally {
                    ControlSocket.close(conn);
                    changeActive(-1);
                }
            });
        }
    }

    private void serve(int conn) {
        try {
            ControlSocket.Peer peer = ControlSocket.peer(conn);
            Wire.Frame frame = Wire.read(conn);
            if (peer.uid() != uid) {
                frame.closeFds();
                refused.incrementAndGet();
                log.println("cryo: daemon: refused pid " + peer.pid() + " of uid " + peer.uid());
                Wire.answer(conn, Wire.REFUSED, ("cryo: daemon: refused: uid " + peer.uid() + " is not the daemon's user (uid "
                        + uid + "); run cryo with CRYO_NO_DAEMON=1").getBytes(StandardCharsets.UTF_8));
                return;
            }
            Request request;
            try {
                request = Request.decode(frame.payload(), frame.fds());
            } catch (IllegalArgumentException e) {
                frame.closeFds();
                throw new IOException("bad request: " + e.getMessage());
            }
            switch (request) {
                case Request.Control c -> control(conn, c);
                case Request.Call c -> call(conn, c, peer);
            }
        } catch (IOException e) {
            log.println("cryo: daemon: " + e.getMessage());
        }
    }

    private void call(int conn, Request.Call c, ControlSocket.Peer peer) throws IOException {
        String why = ServePolicy.declineReason(c, env);
        if (why == null && jars.changed()) why = "cryo was rebuilt since the daemon started";
        if (why == null && !(ownPidNs.equals(namespace(Integer.toString(peer.pid()), "pid"))
                && ownMntNs.equals(namespace(Integer.toString(peer.pid()), "mnt")))) {
            why = "the caller is in another PID or mount namespace";
        }
        if (why != null || stopping) {
            for (int fd : c.fds()) ControlSocket.close(fd);
            declined.incrementAndGet();
            Wire.answer(conn, Wire.DECLINED, new byte[0]);
            return;
        }
        int code = runner.run(c);
        served.incrementAndGet();
        Wire.exitCode(conn, code);
    }

    private void control(int conn, Request.Control c) throws IOException {
        switch (c.verb()) {
            case "status" -> Wire.answer(conn, Wire.ANSWER, status().encode());
            case "stop" -> {
                Wire.answer(conn, Wire.ANSWER, status().encode());
                stop();
            }
            default -> Wire.answer(conn, Wire.REFUSED, ("cryo: daemon: unknown request " + c.verb()).getBytes(StandardCharsets.UTF_8));
        }
    }

    private DaemonStatus status() {
        return new DaemonStatus(true, ProcessHandle.current().pid(), uid, socket.toString(),
                System.currentTimeMillis() - started, served.get(), declined.get(), refused.get(), active() - 1,
                jars.changed());
    }

    /** Stops accepting; the requests under way finish, then {@link #run} returns. */
    private void stop() {
        stopping = true;
        ControlSocket.shutdown(listener);
    }

    private synchronized void changeActive(int by) {
        active += by;
        notifyAll();
    }

    private synchronized int active() {
        return active;
    }

    /** Waits for the requests under way (the stop request itself is one until its thread ends). */
    private synchronized void awaitIdle() {
        while (active > 0) {
            try {
                wait();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private synchronized void removeSocket() {
        try {
            Files.deleteIfExists(socket);
        } catch (IOException e) {
            // the next daemon replaces it
        }
    }

    private static String namespace(String pid, String kind) {
        try {
            return Files.readSymbolicLink(Path.of("/proc", pid, "ns", kind)).toString();
        } catch (IOException | UnsupportedOperationException e) {
            return "?" + pid;
        }
    }

    static boolean notListening(ErrnoException e) {
        return e.errno() == ENOENT || e.errno() == ECONNREFUSED;
    }
}
