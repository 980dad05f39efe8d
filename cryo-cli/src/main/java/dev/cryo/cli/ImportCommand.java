package dev.cryo.cli;

import dev.cryo.cli.invocation.Invocation;
import dev.cryo.cli.output.CountingStreams;
import dev.cryo.cli.output.Json;
import dev.cryo.cli.output.TerminalProgress;
import dev.cryo.cli.output.TransferSummary;
import dev.cryo.store.CheckpointInfo;
import dev.cryo.store.Store;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.util.concurrent.Callable;

/** {@code cryo import FILE}: a stream made by {@code cryo export}, into this store. */
final class ImportCommand implements Callable<Integer> {
    private final CommandSpec spec = Options.verb(this, "import", "Add a checkpoint from a file or stdin made by cryo export.",
            "Every chunk is rehashed and only what the store lacks is stored; the checkpoint keeps its id. "
                    + "A truncated or damaged stream is refused and leaves nothing visible behind. FILE '-' is stdin. "
                    + "The last line on stdout is the checkpoint id.");
    private final PositionalParamSpec file = Options.parameter("FILE", "The stream to read ('-': stdin).");
    private final StoreOption store = new StoreOption();
    private final OutputOptions output = new OutputOptions();

    ImportCommand() {
        spec.addPositional(file);
        store.addTo(spec);
        output.addTo(spec);
    }

    CommandSpec spec() {
        return spec;
    }

    @Override
    public Integer call() throws Exception {
        String source = file.getValue();
        TransferSummary summary;
        try (InputStream raw = source.equals("-") ? Invocation.current().stdin()
                : Files.newInputStream(Invocation.current().resolve(source));
                Store s = store.open();
                TerminalProgress progress = TerminalProgress.onStderr(spec.commandLine().getErr())) {
            CountingStreams.In in = new CountingStreams.In(raw, progress, "importing");
            CheckpointInfo info = s.importFrom(in);
            summary = TransferSummary.imported(info, in.count(), source);
        }
        PrintWriter out = spec.commandLine().getOut();
        out.print(output.json() ? Json.write(summary) + "\n" : summary.importText());
        out.flush();
        return ExitCodes.OK;
    }
}
