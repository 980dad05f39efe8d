package dev.cryo.cli;

import dev.cryo.cli.output.CheckpointSummary;
import dev.cryo.cli.output.Json;
import dev.cryo.cli.output.TerminalProgress;
import dev.cryo.engine.CheckpointOptions;
import dev.cryo.engine.CheckpointResult;
import dev.cryo.engine.Checkpointer;
import dev.cryo.store.Compression;
import dev.cryo.store.Store;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code cryo checkpoint TARGET [--leave-running] [--compress lz4|zstd|none]}. */
final class CheckpointCommand implements Callable<Integer> {
    private final CommandSpec spec = Options.verb(this, "checkpoint",
            "Checkpoint a process tree (then kill it, unless --leave-running).",
            "Stops TARGET and every process under it, writes them to the store, then kills them "
                    + "(or resumes them with --leave-running).",
            "The last line on stdout is the checkpoint id.");
    private final PositionalParamSpec target = Options.parameter("TARGET", "The PID of the root of the tree to checkpoint.");
    private final OptionSpec leaveRunning = Options.flag("Resume the tree after the checkpoint instead of killing it.",
            "--leave-running");
    private final OptionSpec compress = OptionSpec.builder("--compress").paramLabel("lz4|zstd|none")
            .type(Compression.class).converters(new LowerCaseEnumConverter<>(Compression.class))
            .defaultValue("lz4")
            .description("How the store compresses the new data: lz4 (fast), zstd (smaller, slower; needs libzstd), "
                    + "none. Any store reads all of them. Default: ${DEFAULT-VALUE}.")
            .build();
    private final StoreOption store = new StoreOption();
    private final OutputOptions output = new OutputOptions();

    CheckpointCommand() {
        spec.addPositional(target);
        spec.addOption(leaveRunning);
        spec.addOption(compress);
        store.addTo(spec);
        output.addTo(spec);
    }

    CommandSpec spec() {
        return spec;
    }

    @Override
    public Integer call() throws Exception {
        int pid = ProcessTarget.pid("checkpoint", target.getValue(), Path.of("/proc"));
        boolean keep = leaveRunning.getValue();
        Compression compression = compress.getValue();
        compression.checkAvailable();
        PrintWriter out = spec.commandLine().getOut();
        CheckpointResult result;
        try (Store s = store.open(); TerminalProgress progress = TerminalProgress.onStderr(spec.commandLine().getErr())) {
            result = new Checkpointer(s, progress).checkpoint(pid, new CheckpointOptions(keep, null, compression));
        }
        CheckpointSummary summary = CheckpointSummary.of(result, keep);
        out.print(output.json() ? Json.write(summary) + "\n" : summary.text());
        out.flush();
        return ExitCodes.OK;
    }
}
