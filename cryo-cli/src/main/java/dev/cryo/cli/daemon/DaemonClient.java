package dev.cryo.cli.daemon;

import dev.cryo.cli.CliException;
import dev.cryo.linux.errno.ErrnoException;
import dev.cryo.linux.net.ControlSocket;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;

/** Asks a running daemon about itself (status, stop), from a JVM: what {@code cryo daemon status|stop} use. */
public final class DaemonClient {
    private DaemonClient() {}

    /** The daemon's status, or {@link DaemonStatus#down} when none answers on {@code socket}. */
    public static DaemonStatus status(Path socket) throws IOException, CliException {
        return ask(socket, "status");
    }

    /** Asks the daemon to stop; returns its status as it was (down if none ran). It stops once idle. */
    public static DaemonStatus stop(Path socket) throws IOException, CliException {
        return ask(socket, "stop");
    }

    private static DaemonStatus ask(Path socket, String verb) throws IOException, CliException {
        int fd;
        try {
            fd = ControlSocket.connect(socket);
        } catch (ErrnoException e) {
            if (DaemonServer.notListening(e)) return DaemonStatus.down(socket.toString());
            throw new CliException("daemon: " + socket + ": " + e.getMessage(), e);
        }
        try {
            Wire.write(fd, Request.control(verb));
            byte[] answer = Wire.readAll(fd);
            if (answer.length > 0 && answer[0] == Wire.ANSWER) {
                return DaemonStatus.decode(Arrays.copyOfRange(answer, 1, answer.length));
            }
            if (answer.length > 0 && answer[0] == Wire.REFUSED) {
                String line = new String(answer, 1, answer.length - 1, StandardCharsets.UTF_8);
                throw new CliException(line.startsWith("cryo: ") ? line.substring(6) : line);
            }
            throw new CliException("daemon: " + socket + ": no answer (is it a cryo daemon?)");
        } finally {
            ControlSocket.close(fd);
        }
    }
}
