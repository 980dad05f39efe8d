package dev.cryo.cli;

import dev.cryo.cli.output.Json;
import dev.cryo.engine.group.FreezerCgroup;
import dev.cryo.engine.group.GroupRegistry;
import dev.cryo.linux.process.Signals;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

import java.io.IOException;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/** {@code cryo kill NAME [--signal SIG]}: signals every process of a group and waits until it is gone. */
final class KillCommand implements Callable<Integer> {
    private static final long WAIT_SECONDS = 30;

    private final CommandSpec spec = Options.verb(this, "kill", "End a group.",
            "Sends SIG (default KILL) to every process of group NAME and waits until the group is gone "
                    + "(at most 30 s). The group stays listed as exited, with its log.");
    private final PositionalParamSpec name = Options.parameter("NAME", "The group.");
    private final OptionSpec signal = OptionSpec.builder("--signal", "-s").paramLabel("SIG").type(String.class)
            .defaultValue("KILL").description("The signal: a name (TERM, SIGTERM) or a number. Default: ${DEFAULT-VALUE}.").build();

    private final OutputOptions output = new OutputOptions();

    KillCommand() {
        spec.addPositional(name);
        spec.addOption(signal);
        output.addTo(spec);
    }

    CommandSpec spec() {
        return spec;
    }

    @Override
    public Integer call() throws Exception {
        int sig = SignalNames.parse("kill", signal.getValue());
        GroupRegistry registry = new GroupRegistry();
        GroupRegistry.Group g = registry.find(name.getValue());
        if (g == null) throw new CliException("kill: no group named " + name.getValue() + " (see `cryo ps`)");
        FreezerCgroup cgroup = FreezerCgroup.of(g.name());
        if (g.alive()) {
            cgroup.thaw(); // a frozen task cannot act on a signal
            for (int pid : cgroup.pids()) {
                // init only takes KILL itself; any other signal it would forward to the root a second time
                if (pid == g.initPid() && sig != Signals.SIGKILL) continue;
                try {
                    Signals.kill(pid, sig);
                } catch (IOException gone) {
                    // exited meanwhile
                }
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
            while (g.alive()) {
                if (System.nanoTime() > deadline) {
                    throw new CliException("kill: group " + g.name() + " is still running " + WAIT_SECONDS
                            + " s after signal " + signal.getValue() + " (try --signal KILL)");
                }
                Thread.sleep(10);
            }
        }
        cgroup.remove();
        // the entry stays, as exited: its log is still there for `cryo logs`, and for a restore to write on

        if (output.json()) {
            spec.commandLine().getOut().println(Json.write(java.util.Map.of("name", g.name(), "signal", sig, "gone", true)));
            spec.commandLine().getOut().flush();
        } else {
            spec.commandLine().getErr().println("killed " + g.name());
        }
        return ExitCodes.OK;
    }
}
