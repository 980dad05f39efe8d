package dev.cryo.cli;

import dev.cryo.cli.output.Json;
import dev.cryo.cli.output.RestoreSummary;
import dev.cryo.cli.output.TerminalProgress;
import dev.cryo.engine.RestoreOptions;
import dev.cryo.engine.RestoreOptions.PidNamespaceMode;
import dev.cryo.engine.RestoreOptions.StdioMode;
import dev.cryo.engine.Restoration;
import dev.cryo.engine.Restorer;
import dev.cryo.engine.group.FreezerCgroup;
import dev.cryo.engine.group.GroupRegistry;
import dev.cryo.linux.proc.StatParser;
import dev.cryo.store.Store;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code cryo restore CHECKPOINT [--detach] [--pidns auto|host|new] [--stdio inherit|null|log]}. */
final class RestoreCommand implements Callable<Integer> {
    private final CommandSpec spec = Options.verb(this, "restore", "Bring a checkpointed process tree back.",
            "Restores CHECKPOINT (an id, an unambiguous id prefix, or a name meaning its newest checkpoint).",
            "The last line on stdout is the PID of the restored root process. Without --detach, cryo waits "
                    + "for that process and exits with its exit code.");
    private final PositionalParamSpec checkpoint = Options.parameter("CHECKPOINT", "Checkpoint id, id prefix, or name.");
    private final OptionSpec detach = Options.flag("Return as soon as the tree runs.", "--detach");
    private final OptionSpec pidns = OptionSpec.builder("--pidns").paramLabel("auto|host|new")
            .type(PidNamespaceMode.class).converters(new LowerCaseEnumConverter<>(PidNamespaceMode.class))
            .defaultValue("auto")
            .description("Where the restored PIDs live: auto (the recorded PIDs when free, else a new PID namespace), "
                    + "host (the recorded PIDs or fail), new (a new PID namespace). Default: ${DEFAULT-VALUE}.")
            .build();
    private final OptionSpec stdio = OptionSpec.builder("--stdio").paramLabel("inherit|null|log")
            .type(StdioMode.class).converters(new LowerCaseEnumConverter<>(StdioMode.class))
            .defaultValue("inherit")
            .description("What stdin/stdout/stderr that led outside the checkpoint (a terminal, a pipe) become: "
                    + "inherit (cryo's own), null (/dev/null), log (a log file in the store's logs/). "
                    + "Default: ${DEFAULT-VALUE}.")
            .build();
    private final StoreOption store = new StoreOption();
    private final OutputOptions output = new OutputOptions();

    RestoreCommand() {
        spec.addPositional(checkpoint);
        spec.addOption(detach);
        spec.addOption(pidns);
        spec.addOption(stdio);
        store.addTo(spec);
        output.addTo(spec);
    }

    CommandSpec spec() {
        return spec;
    }

    @Override
    public Integer call() throws Exception {
        String ref = checkpoint.getValue();
        boolean detached = detach.getValue();
        StdioMode stdioMode = stdio.getValue();
        PrintWriter out = spec.commandLine().getOut();
        Restoration r;
        Path log;
        try (Store s = store.open(); TerminalProgress progress = TerminalProgress.onStderr(spec.commandLine().getErr())) {
            if (GroupCheckpoints.isGroupCheckpoint(s, ref)) {
                // a group comes back as one: its namespace and init, its cgroup, its registry entry
                GroupRegistry registry = new GroupRegistry();
                GroupRegistry.Group g = registry.create(ref);
                FreezerCgroup cgroup = FreezerCgroup.of(ref).create();
                log = detached ? g.log() : null;
                StdioMode mode = detached ? StdioMode.LOG : stdioMode;
                r = new Restorer(s, progress).restore(ref,
                        new RestoreOptions(detached, PidNamespaceMode.NEW, mode, log, cgroup.procsFile()));
                g = registry.started(g, StatParser.read(r.pid()).ppid(), r.pid());
                try (var restored = s.open(ref)) {
                    registry.setLastCheckpoint(g, restored.info().id());
                }
            } else {
                log = stdioMode == StdioMode.LOG ? RestoreLogs.newLog(store.directory(), ref) : null;
                r = new Restorer(s, progress).restore(ref, new RestoreOptions(detached, pidns.getValue(), stdioMode, log));
            }
        }
        for (String warning : r.warnings()) {
            spec.commandLine().getErr().println("cryo: warning: " + warning);
        }
        spec.commandLine().getErr().flush();
        RestoreSummary summary = RestoreSummary.of(r, log == null ? null : log.toString());
        out.print(output.json() ? Json.write(summary) + "\n" : summary.text());
        out.flush();
        if (detached) {
            return ExitCodes.OK;
        }
        return r.exit().await();
    }
}
