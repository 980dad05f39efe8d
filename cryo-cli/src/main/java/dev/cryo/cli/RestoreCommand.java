package dev.cryo.cli;

import dev.cryo.cli.output.Json;
import dev.cryo.cli.output.RestoreSummary;
import dev.cryo.cli.output.TerminalProgress;
import dev.cryo.engine.RestoreOptions;
import dev.cryo.engine.RestoreOptions.PidNamespaceMode;
import dev.cryo.engine.RestoreOptions.StdioMode;
import dev.cryo.engine.Restoration;
import dev.cryo.engine.Restorer;
import dev.cryo.store.Store;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "restore", header = "Bring a checkpointed process tree back.",
        description = {"Restores CHECKPOINT (an id, an unambiguous id prefix, or a name meaning its newest checkpoint).",
                "The last line on stdout is the PID of the restored root process. Without --detach, cryo waits "
                        + "for that process and exits with its exit code."},
        sortOptions = false)
final class RestoreCommand implements Callable<Integer> {

    @Parameters(paramLabel = "CHECKPOINT", description = "Checkpoint id, id prefix, or name.")
    String checkpoint;

    @Option(names = "--detach", description = "Return as soon as the tree runs.")
    boolean detach;

    @Option(names = "--pidns", paramLabel = "auto|host|new", defaultValue = "auto", converter = PidnsConverter.class,
            description = "Where the restored PIDs live: auto (the recorded PIDs when free, else a new PID namespace), "
                    + "host (the recorded PIDs or fail), new (a new PID namespace). Default: ${DEFAULT-VALUE}.")
    PidNamespaceMode pidns;

    @Option(names = "--stdio", paramLabel = "inherit|null|log", defaultValue = "inherit", converter = StdioConverter.class,
            description = "What stdin/stdout/stderr that led outside the checkpoint (a terminal, a pipe) become: "
                    + "inherit (cryo's own), null (/dev/null), log (a log file next to the store). Default: ${DEFAULT-VALUE}.")
    StdioMode stdio;

    static final class PidnsConverter extends LowerCaseEnumConverter<PidNamespaceMode> {
        PidnsConverter() {
            super(PidNamespaceMode.class);
        }
    }

    static final class StdioConverter extends LowerCaseEnumConverter<StdioMode> {
        StdioConverter() {
            super(StdioMode.class);
        }
    }

    @Mixin
    StoreOption store;

    @Mixin
    OutputOptions output;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Path log = stdio == StdioMode.LOG ? RestoreLogs.newLog(store.directory(), checkpoint) : null;
        Restoration r;
        try (Store s = store.open(); TerminalProgress progress = TerminalProgress.onStderr(spec.commandLine().getErr())) {
            r = new Restorer(s, progress).restore(checkpoint, new RestoreOptions(detach, pidns, stdio, log));
        }
        RestoreSummary summary = RestoreSummary.of(r, log == null ? null : log.toString());
        out.print(output.json() ? Json.write(summary) + "\n" : summary.text());
        out.flush();
        if (detach) {
            return ExitCodes.OK;
        }
        return r.exit().await();
    }
}
