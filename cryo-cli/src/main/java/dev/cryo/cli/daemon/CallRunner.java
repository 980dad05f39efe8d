package dev.cryo.cli.daemon;

import dev.cryo.cli.Main;
import dev.cryo.cli.invocation.Invocation;
import dev.cryo.engine.InheritedStdio;
import dev.cryo.linux.net.ControlSocket;

import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.util.HashMap;
import java.util.Map;

/** Runs one command line for a client, with the client's directory, environment and stdio, as {@code Main} would. */
final class CallRunner {
    /** What the JVM path would print with: the encoding of this machine's locale (the daemon's). */
    private static final Charset OUTPUT = Charset.forName(System.getProperty("native.encoding", "UTF-8"), Charset.defaultCharset());
    private final Map<String, String> daemonEnv;

    CallRunner(Map<String, String> daemonEnv) {
        this.daemonEnv = daemonEnv;
    }

    /** Runs {@code call} to its exit code; closes the descriptors it brought. */
    int run(Request.Call call) {
        int[] fds = call.fds();
        FdOutputStream out = new FdOutputStream(fds[1]);
        FdOutputStream err = new FdOutputStream(fds[2]);
        PrintWriter outWriter = new PrintWriter(new OutputStreamWriter(out, OUTPUT), true);
        PrintWriter errWriter = new PrintWriter(new OutputStreamWriter(err, OUTPUT), true);
        try {
            Invocation inv = new Invocation(call.cwd(), environment(call.env()), fds, new FdInputStream(fds[0]), out);
            String[] args = call.args().toArray(String[]::new);
            return Invocation.runAs(inv, () -> InheritedStdio.with(fds,
                    () -> StdioRouting.with(out, err, () -> Main.run(args, outWriter, errWriter))));
        } catch (Throwable t) {
            // Main.run turns every failure of a command into its line and code; this is the daemon's own failing
            errWriter.println("cryo: daemon: " + t);
            errWriter.flush();
            return 1;
        } finally {
            outWriter.flush();
            errWriter.flush();
            out.release();
            err.release();
            ControlSocket.close(fds[0]);
        }
    }

    /** The daemon's environment with the caller's CRYO_* and XDG_DATA_HOME in place of its own. */
    private Map<String, String> environment(Map<String, String> caller) {
        Map<String, String> env = new HashMap<>(daemonEnv);
        env.keySet().removeIf(n -> n.startsWith("CRYO_") || n.equals("XDG_DATA_HOME"));
        env.putAll(caller);
        return Map.copyOf(env);
    }
}
