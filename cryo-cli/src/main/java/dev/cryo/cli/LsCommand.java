package dev.cryo.cli;

import dev.cryo.cli.output.CheckpointListing;
import dev.cryo.cli.output.Json;
import dev.cryo.store.CheckpointInfo;
import dev.cryo.store.Store;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "ls", header = "List checkpoints, oldest first.",
        description = {"LOGICAL is the memory and file data a checkpoint holds; ADDED what it added to the store "
                + "(after deduplication against earlier checkpoints and compression); FREEZE how long the application "
                + "was stopped."},
        sortOptions = false)
final class LsCommand implements Callable<Integer> {

    @Parameters(paramLabel = "NAME", arity = "0..1", description = "Only checkpoints with this name.")
    String name;

    @Mixin
    StoreOption store;

    @Mixin
    OutputOptions output;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        List<CheckpointInfo> all;
        try (Store s = store.open()) {
            all = s.list();
        }
        List<CheckpointListing> shown = all.stream()
                .filter(c -> name == null || c.name().equals(name))
                .map(CheckpointListing::of)
                .toList();
        PrintWriter out = spec.commandLine().getOut();
        if (output.json()) {
            out.println(Json.write(shown));
        } else if (shown.isEmpty()) {
            // said on stderr: stdout stays empty, so a script reading rows gets none
            spec.commandLine().getErr().println(name == null
                    ? "no checkpoints in " + store.directory()
                    : "no checkpoints named '" + name + "' in " + store.directory());
        } else {
            out.print(CheckpointListing.table(shown));
        }
        out.flush();
        return ExitCodes.OK;
    }
}
