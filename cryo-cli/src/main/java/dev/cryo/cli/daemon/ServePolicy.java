package dev.cryo.cli.daemon;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which command lines the daemon runs. It declines the others, and the client then starts a JVM as if there
 * were no daemon, so a decline costs only time: whatever a daemon could get subtly wrong is declined.
 */
final class ServePolicy {
    /** Verbs that neither own the caller's terminal nor become the parent of what they start. */
    private static final Set<String> SERVED = Set.of("checkpoint", "restore", "ls", "inspect", "verify", "rm", "gc",
            "ps", "kill", "logs", "export", "import");
    /**
     * Variables each command reads per request, from its invocation. Every other CRYO_* variable is read once
     * per JVM (fault injection, timings, the group registry, JVM options): a request may only carry the
     * daemon's own value of it.
     */
    private static final Set<String> PER_REQUEST = Set.of("CRYO_STORE", "CRYO_NO_BUILD", "CRYO_NO_DAEMON",
            "CRYO_DAEMON_SOCKET", "XDG_DATA_HOME");

    private ServePolicy() {}

    /** Why the daemon does not run {@code call}, or null when it does. */
    static String declineReason(Request.Call call, Map<String, String> daemonEnv) {
        List<String> args = call.args();
        if (args.isEmpty() || !SERVED.contains(args.get(0))) {
            return "not a command the daemon serves";
        }
        for (String a : args) {
            if (a.equals("--")) break;
            // picocli sizes help to the terminal, which is the caller's
            if (a.equals("-h") || a.equals("--help")) return "help";
        }
        if (args.get(0).equals("restore") && !hasOption(args, "--detach")) {
            // a foreground restore makes cryo the waiting parent of the tree and owns the terminal
            return "restore without --detach";
        }
        Set<String> names = new TreeSet<>();
        call.env().keySet().stream().filter(n -> n.startsWith("CRYO_")).forEach(names::add);
        daemonEnv.keySet().stream().filter(n -> n.startsWith("CRYO_")).forEach(names::add);
        for (String n : names) {
            if (!PER_REQUEST.contains(n) && !java.util.Objects.equals(call.env().get(n), daemonEnv.get(n))) {
                return n + " differs from the daemon's (read once per JVM)";
            }
        }
        return null;
    }

    private static boolean hasOption(List<String> args, String option) {
        for (String a : args) {
            if (a.equals("--")) return false;
            if (a.equals(option)) return true;
        }
        return false;
    }
}
