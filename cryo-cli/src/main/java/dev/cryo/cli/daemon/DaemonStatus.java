package dev.cryo.cli.daemon;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * What {@code cryo daemon status} reports (also its --json document).
 *
 * @param requests command lines run; {@code declined} were handed back to a JVM, {@code refused} came from
 *                 another user; {@code running} are under way
 * @param stale    cryo was rebuilt since the daemon started: it declines everything until restarted
 */
public record DaemonStatus(boolean up, long pid, int uid, String socket, long uptimeMs, long requests, long declined,
                           long refused, long running, boolean stale) {

    /** No daemon answers on {@code socket}. */
    public static DaemonStatus down(String socket) {
        return new DaemonStatus(false, 0, -1, socket, 0, 0, 0, 0, 0, false);
    }

    byte[] encode() {
        String s = "pid=" + pid + "\nuid=" + uid + "\nsocket=" + socket + "\nuptime_ms=" + uptimeMs + "\nrequests=" + requests
                + "\ndeclined=" + declined + "\nrefused=" + refused + "\nrunning=" + running + "\nstale=" + stale + "\n";
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static DaemonStatus decode(byte[] data) {
        Map<String, String> m = new HashMap<>();
        for (String line : new String(data, StandardCharsets.UTF_8).split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) m.put(line.substring(0, eq), line.substring(eq + 1));
        }
        return new DaemonStatus(true, Long.parseLong(m.get("pid")), Integer.parseInt(m.get("uid")), m.get("socket"),
                Long.parseLong(m.get("uptime_ms")), Long.parseLong(m.get("requests")), Long.parseLong(m.get("declined")),
                Long.parseLong(m.get("refused")), Long.parseLong(m.get("running")), Boolean.parseBoolean(m.get("stale")));
    }

    /** The text form. */
    public String text() {
        if (!up) return "daemon: not running (socket " + socket + ")\n";
        return "daemon: running, pid " + pid + ", socket " + socket + "\n"
                + String.format("up %.1f s; %d requests served, %d declined, %d refused, %d running%n", uptimeMs / 1000.0,
                requests, declined, refused, running)
                + (stale ? "stale: cryo was rebuilt since it started; it declines every command (restart it)\n" : "");
    }
}
