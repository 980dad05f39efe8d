package dev.cryo.cli;

import dev.cryo.cli.output.Json;
import dev.cryo.cli.output.Plural;
import dev.cryo.cli.output.VerifySummary;
import dev.cryo.store.Store;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

@Command(name = "verify", header = "Check the store (or one checkpoint) for damage.",
        description = {"Reads every byte back and recomputes its hash (--quick: checks only that everything referenced "
                + "is there). Problems are listed on stdout, one per line; the exit code is 1 if there is any."},
        sortOptions = false)
final class VerifyCommand implements Callable<Integer> {

    @Parameters(paramLabel = "CHECKPOINT", arity = "0..1", description = "Only this checkpoint (default: the whole store).")
    String checkpoint;

    @Option(names = "--quick", description = "Check structure only; do not read and hash the data.")
    boolean quick;

    @Mixin
    StoreOption store;

    @Mixin
    OutputOptions output;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        VerifySummary summary;
        try (Store s = store.open()) {
            summary = VerifySummary.of(s.verify(checkpoint, quick), quick);
        }
        PrintWriter out = spec.commandLine().getOut();
        out.print(output.json() ? Json.write(summary) + "\n" : summary.text());
        out.flush();
        if (!summary.ok()) {
            spec.commandLine().getErr().println("cryo: verify: " + store.directory() + ": "
                    + Plural.of(summary.problems().size(), "problem", "problems") + " found");
            return ExitCodes.FAILED;
        }
        return ExitCodes.OK;
    }
}
