package dev.cryo.engine.sockets;

import dev.cryo.engine.EngineException;
import dev.cryo.engine.HelperBinary;
import dev.cryo.linux.errno.ErrnoException;
import dev.cryo.linux.net.ControlSocket;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The network lock between a checkpoint that kills a tree and its restore, on the same machine. CRIU
 * drops the connections' packets with iptables meanwhile; this machine may have neither iptables nor nft
 * nor tc actions, so the sockets themselves are kept: a small holder process ({@code cryo-helper lock})
 * takes a duplicate of each connection, still in repair mode and with the filter that drops what
 * arrives, so that the kernel still knows the connection and answers nothing (without it, whatever a
 * peer sends in the gap meets no socket and is answered by a reset). The peer sends again, with its
 * usual back-off, until the restored socket takes it. The restore makes the holder close them
 * ({@link #release}: in repair mode nothing is sent) just before it creates them again. The holder gives
 * up after {@link #SECONDS}; a tree never restored by then leaves its peers to time out, as CRIU's lock
 * does (and a peer that sends then is answered by a reset).
 */
public final class ConnectionHolder {
    /** How long a holder keeps the connections when no restore comes. */
    static final int SECONDS = 600;
    private static final String PREFIX = "cryo-lock-";

    private ConnectionHolder() {}

    /**
     * Hands {@code fds} (cryo's own duplicates of the connections) to a holder for checkpoint
     * {@code checkpointId}; returns why not when it cannot (the connections then close with the tree).
     */
    static String hold(String checkpointId, List<Integer> fds) {
        List<String> cmd = new ArrayList<>();
        try {
            cmd.addAll(List.of(HelperBinary.path("lock connections").toString(), "lock", checkpointId,
                    Integer.toString(SECONDS), Long.toString(ProcessHandle.current().pid())));
        } catch (EngineException e) {
            return e.getMessage();
        }
        fds.forEach(fd -> cmd.add(Integer.toString(fd)));
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes()).strip(); // ends when the holder has them
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return "the connection holder did not start";
            }
            return p.exitValue() == 0 ? null : out;
        } catch (IOException e) {
            return e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    /**
     * Makes the holder of checkpoint {@code checkpointId}'s connections close them, and waits until it has
     * (it answers once they are closed); false when no holder has them (none was started, it gave up, or
     * the checkpoint was taken on another machine).
     */
    public static boolean release(String checkpointId) {
        int fd;
        try {
            fd = ControlSocket.connectAbstract(PREFIX + checkpointId);
        } catch (ErrnoException e) {
            return false; // nobody listens: nothing is held
        }
        try {
            byte[] answer = new byte[1];
            return ControlSocket.read(fd, answer, 0, 1) == 1;
        } catch (ErrnoException e) {
            return false;
        } finally {
            ControlSocket.close(fd);
        }
    }
}
