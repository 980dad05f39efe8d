package dev.cryo.cli;

import dev.cryo.cli.output.CheckpointSummary;
import dev.cryo.cli.output.Json;
import dev.cryo.cli.output.TerminalProgress;
import dev.cryo.engine.CheckpointOptions;
import dev.cryo.engine.CheckpointResult;
import dev.cryo.engine.Checkpointer;
import dev.cryo.store.Store;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "checkpoint", header = "Checkpoint a process tree (then kill it, unless --leave-running).",
        description = {"Stops TARGET and every process under it, writes them to the store, then kills them "
                + "(or resumes them with --leave-running).",
                "The last line on stdout is the checkpoint id."},
        sortOptions = false)
final class CheckpointCommand implements Callable<Integer> {

    @Parameters(paramLabel = "TARGET", description = "The PID of the root of the tree to checkpoint.")
    String target;

    @Option(names = "--leave-running", description = "Resume the tree after the checkpoint instead of killing it.")
    boolean leaveRunning;

    @Mixin
    StoreOption store;

    @Mixin
    OutputOptions output;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        int pid = ProcessTarget.pid("checkpoint", target, Path.of("/proc"));
        PrintWriter out = spec.commandLine().getOut();
        CheckpointResult result;
        try (Store s = store.open(); TerminalProgress progress = TerminalProgress.onStderr(spec.commandLine().getErr())) {
            result = new Checkpointer(s, progress).checkpoint(pid, new CheckpointOptions(leaveRunning, null));
        }
        CheckpointSummary summary = CheckpointSummary.of(result, leaveRunning);
        out.print(output.json() ? Json.write(summary) + "\n" : summary.text());
        out.flush();
        return ExitCodes.OK;
    }
}
