package dev.cryo.cli;

import dev.cryo.cli.output.CheckpointSummary;
import dev.cryo.cli.output.Json;
import dev.cryo.cli.output.TerminalProgress;
import dev.cryo.engine.CheckpointOptions;
import dev.cryo.engine.CheckpointResult;
import dev.cryo.engine.Checkpointer;
import dev.cryo.engine.group.GroupRegistry;
import dev.cryo.store.Compression;
import dev.cryo.store.Store;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code cryo checkpoint TARGET [--leave-running] [--incremental | --full] [--compress lz4|zstd|none]}. */
final class CheckpointCommand implements Callable<Integer> {
    private final CommandSpec spec = Options.verb(this, "checkpoint",
            "Checkpoint a process tree (then kill it, unless --leave-running).",
            "Stops TARGET and every process under it, writes them to the store, then kills them "
                    + "(or resumes them with --leave-running).",
            "The last line on stdout is the checkpoint id.");
    private final PositionalParamSpec target = Options.parameter("TARGET",
            "The PID of the root of the tree to checkpoint, or the name of a group started by `cryo run`.");
    private final OptionSpec leaveRunning = Options.flag("Resume the tree after the checkpoint instead of killing it.",
            "--leave-running");
    private final OptionSpec incremental = Options.flag("Copy only the pages written since the previous --incremental "
            + "or --full checkpoint of TARGET (tracked by the kernel's page tables; without a tracker, all pages, and "
            + "the store keeps only the changed ones), and keep tracking for the next one.", "--incremental");
    private final OptionSpec full = Options.flag("Copy every page, and start (or restart) tracking written pages for "
            + "the next --incremental checkpoint.", "--full");
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
        spec.addOption(incremental);
        spec.addOption(full);
        spec.addOption(compress);
        store.addTo(spec);
        output.addTo(spec);
    }

    CommandSpec spec() {
        return spec;
    }

    @Override
    public Integer call() throws Exception {
        boolean keep = leaveRunning.getValue();
        boolean incr = incremental.getValue(), walk = full.getValue();
        if (incr && walk) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--incremental and --full exclude each other");
        }
        CheckpointOptions.Tracking tracking = incr ? CheckpointOptions.Tracking.INCREMENTAL
                : walk ? CheckpointOptions.Tracking.FULL : CheckpointOptions.Tracking.NONE;
        Compression compression = compress.getValue();
        compression.checkAvailable();
        PrintWriter out = spec.commandLine().getOut();
        CheckpointResult result;
        if (GroupRegistry.isName(target.getValue())) {
            GroupRegistry.Group g = GroupCheckpoints.running("checkpoint", target.getValue());
            try (Store s = store.open(); TerminalProgress progress = TerminalProgress.onStderr(spec.commandLine().getErr())) {
                result = GroupCheckpoints.take(s, progress, g, keep, tracking, compression);
            }
        } else {
            int pid = ProcessTarget.pid("checkpoint", target.getValue(), Path.of("/proc"));
            try (Store s = store.open(); TerminalProgress progress = TerminalProgress.onStderr(spec.commandLine().getErr())) {
                result = new Checkpointer(s, progress).checkpoint(pid, new CheckpointOptions(keep, null, tracking).compressedWith(compression));
            }
        }
        CheckpointSummary summary = CheckpointSummary.of(result, keep);
        if (result.note() != null && (incr || walk)) {
            spec.commandLine().getErr().println("cryo: checkpoint " + target.getValue() + ": " + result.mode() + ": " + result.note());
        }
        for (String warning : result.warnings()) {
            spec.commandLine().getErr().println("cryo: checkpoint " + target.getValue() + ": warning: " + warning);
        }
        out.print(output.json() ? Json.write(summary) + "\n" : summary.text());
        out.flush();
        return ExitCodes.OK;
    }
}
