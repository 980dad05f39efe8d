package dev.cryo.cli;

import dev.cryo.cli.output.Json;
import dev.cryo.engine.EngineException;
import dev.cryo.engine.HelperBinary;
import dev.cryo.engine.group.FreezerCgroup;
import dev.cryo.engine.group.GroupLauncher;
import dev.cryo.engine.group.GroupRegistry;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** {@code cryo run [--name NAME] [--detach] [--every DURATION [--keep N]] -- CMD [ARG...]}. */
final class RunCommand implements java.util.concurrent.Callable<Integer> {
    private final CommandSpec spec = Options.verb(this, "run", "Start a command as an application group.",
            "Runs CMD in a PID namespace of its own (cryo-helper as its init: it reaps orphans and forwards "
                    + "signals) and a freezer cgroup of its own, so that `cryo checkpoint NAME` stops every "
                    + "process at one instant.",
            "In the foreground stdio is attached and cryo exits with CMD's exit code; with --detach it prints "
                    + "the group's name and the output goes to the group's log (`cryo logs NAME`).");
    private final OptionSpec name = OptionSpec.builder("--name").paramLabel("NAME").type(String.class)
            .description("The group's name (default: the command's base name, made unique).").build();
    private final OptionSpec detach = Options.flag("Return once CMD runs; its output goes to the group's log.", "--detach");
    private final OptionSpec every = OptionSpec.builder("--every").paramLabel("DURATION").type(String.class)
            .description("Take a checkpoint of the group (leave-running) on this interval: 30s, 5m, 1h, 500ms.").build();
    private final OptionSpec keep = OptionSpec.builder("--keep").paramLabel("N").type(int.class).defaultValue("5")
            .description("With --every: keep the newest N checkpoints of the group. Default: ${DEFAULT-VALUE}.").build();
    private final PositionalParamSpec command = PositionalParamSpec.builder().paramLabel("CMD").type(List.class)
            .auxiliaryTypes(String.class).arity("1..*").required(true).description("The command and its arguments.").build();
    private final StoreOption store = new StoreOption();
    private final OutputOptions output = new OutputOptions();

    RunCommand() {
        spec.addOption(name);
        spec.addOption(detach);
        spec.addOption(every);
        spec.addOption(keep);
        spec.addPositional(command);
        store.addTo(spec);
        output.addTo(spec);
        spec.parser().stopAtPositional(true); // CMD's own options are CMD's: `cryo run ls -la` needs no --
    }

    CommandSpec spec() {
        return spec;
    }

    @Override
    public Integer call() throws Exception {
        List<String> cmd = command.getValue();
        Duration interval = every.getValue() == null ? null : DurationOption.parse("run", every.getValue());
        int keepN = keep.getValue();
        if (keepN < 1) throw new CliException("run: --keep must be at least 1");
        GroupRegistry registry = new GroupRegistry();
        String group = name.getValue() != null ? name.getValue() : defaultName(registry, cmd.getFirst());
        GroupRegistry.checkName(group);
        boolean detached = detach.getValue();
        GroupLauncher.Started started = new GroupLauncher(registry).start(group, cmd, detached);
        PrintWriter out = spec.commandLine().getOut();
        if (detached) {
            if (interval != null) superviseDetached(started.group(), every.getValue(), keepN);
            out.print(output.json()
                    ? Json.write(Map.of("name", group, "pid", started.group().rootPid(), "init_pid", started.group().initPid())) + "\n"
                    : group + "\n");
            out.flush();
            return ExitCodes.OK;
        }
        Thread periodic = interval == null ? null : supervise(started.group(), interval, keepN);
        try {
            return started.helper().waitFor();
        } finally {
            if (periodic != null) periodic.interrupt();
            FreezerCgroup.of(group).remove(); // the group has ended with its init: its cgroup is empty (or soon)
        }
    }

    /** The foreground `cryo run` supervises its group itself, on a thread of its own. */
    private Thread supervise(GroupRegistry.Group g, Duration interval, int keepN) {
        Supervisor supervisor = new Supervisor(store, g, interval, keepN, spec.commandLine().getErr());
        return Thread.ofPlatform().name("cryo-every").daemon(true).start(supervisor::run);
    }

    /**
     * A detached group's periodic checkpoints are taken by `cryo supervise`, started detached too (its
     * messages go to the group's supervisor.log); it ends when the group does.
     */
    private void superviseDetached(GroupRegistry.Group g, String interval, int keepN)
            throws CliException, EngineException, IOException, InterruptedException {
        String home = System.getProperty("cryo.home");
        if (home == null) throw new CliException("run: --every with --detach needs the cryo launcher (cryo.home is not set)");
        Path log = g.dir().resolve("supervisor.log");
        List<String> cmd = List.of(HelperBinary.path("run").toString(), "spawn", log.toString(), "--",
                Path.of(home, "cryo").toString(), "supervise", "--store", store.directory().toString(),
                "--every", interval, "--keep", Integer.toString(keepN), g.name());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes()).strip();
        if (p.waitFor() != 0) throw new CliException("run: cannot start the supervisor of " + g.name() + ": " + out);
    }

    /** The command's base name, with -2, -3... when a running group has it already. */
    private static String defaultName(GroupRegistry registry, String command) throws IOException {
        String base = Path.of(command).getFileName().toString().replaceAll("[^A-Za-z0-9_.-]", "_");
        if (base.isEmpty() || !Character.isLetterOrDigit(base.charAt(0))) base = "group" + base;
        List<String> taken = new ArrayList<>();
        for (GroupRegistry.Group g : registry.list()) if (g.alive()) taken.add(g.name());
        String candidate = base;
        for (int i = 2; taken.contains(candidate); i++) candidate = base + "-" + i;
        return candidate;
    }
}
