package dev.cryo.cli;

import dev.cryo.cli.output.GcSummary;
import dev.cryo.cli.output.Json;
import dev.cryo.store.Store;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/** {@code cryo gc}. */
final class GcCommand implements Callable<Integer> {
    private final CommandSpec spec = Options.verb(this, "gc", "Free the space no checkpoint uses any more.",
            "Deletes the data that only removed checkpoints referenced and repacks packs that are mostly dead. "
                    + "It needs the store to itself: while a checkpoint, restore, export or import runs it refuses "
                    + "(exit 1) instead of waiting. A crash or kill at any moment loses nothing.");
    private final StoreOption store = new StoreOption();
    private final OutputOptions output = new OutputOptions();

    GcCommand() {
        store.addTo(spec);
        output.addTo(spec);
    }

    CommandSpec spec() {
        return spec;
    }

    @Override
    public Integer call() throws Exception {
        GcSummary summary;
        try (Store s = store.open()) {
            summary = GcSummary.of(s.gc());
        }
        PrintWriter out = spec.commandLine().getOut();
        out.print(output.json() ? Json.write(summary) + "\n" : summary.text());
        out.flush();
        return ExitCodes.OK;
    }
}
