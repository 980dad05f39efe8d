package dev.cryo.cli;

import dev.cryo.cli.output.CheckpointListing;
import dev.cryo.cli.output.Json;
import dev.cryo.store.CheckpointInfo;
import dev.cryo.store.Store;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code cryo ls [NAME]}. */
final class LsCommand implements Callable<Integer> {
    private final CommandSpec spec = Options.verb(this, "ls", "List checkpoints, oldest first.",
            "LOGICAL is the memory and file data a checkpoint holds; ADDED what it added to the store "
                    + "(after deduplication against earlier checkpoints and compression); FREEZE how long the "
                    + "application was stopped.");
    private final PositionalParamSpec name = Options.optionalParameter("NAME", "Only checkpoints with this name.");
    private final StoreOption store = new StoreOption();
    private final OutputOptions output = new OutputOptions();

    LsCommand() {
        spec.addPositional(name);
        store.addTo(spec);
        output.addTo(spec);
    }

    CommandSpec spec() {
        return spec;
    }

    @Override
    public Integer call() throws Exception {
        String only = name.getValue();
        List<CheckpointInfo> all;
        try (Store s = store.open()) {
            all = s.list();
        }
        List<CheckpointListing> shown = all.stream()
                .filter(c -> only == null || c.name().equals(only))
                .map(CheckpointListing::of)
                .toList();
        PrintWriter out = spec.commandLine().getOut();
        if (output.json()) {
            out.println(Json.write(shown));
        } else if (shown.isEmpty()) {
            // said on stderr: stdout stays empty, so a script reading rows gets none
            spec.commandLine().getErr().println(only == null
                    ? "no checkpoints in " + store.directory()
                    : "no checkpoints named '" + only + "' in " + store.directory());
        } else {
            out.print(CheckpointListing.table(shown));
        }
        out.flush();
        return ExitCodes.OK;
    }
}
