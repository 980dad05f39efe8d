package dev.cryo.cli;

import dev.cryo.cli.output.Json;
import dev.cryo.cli.output.Plural;
import dev.cryo.cli.output.VerifySummary;
import dev.cryo.store.Store;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/** {@code cryo verify [CHECKPOINT] [--quick]}. */
final class VerifyCommand implements Callable<Integer> {
    private final CommandSpec spec = Options.verb(this, "verify", "Check the store (or one checkpoint) for damage.",
            "Reads every byte back and recomputes its hash (--quick: checks only that everything referenced "
                    + "is there). Problems are listed on stdout, one per line; the exit code is 1 if there is any.");
    private final PositionalParamSpec checkpoint = Options.optionalParameter("CHECKPOINT",
            "Only this checkpoint (default: the whole store).");
    private final OptionSpec quick = Options.flag("Check structure only; do not read and hash the data.", "--quick");
    private final StoreOption store = new StoreOption();
    private final OutputOptions output = new OutputOptions();

    VerifyCommand() {
        spec.addPositional(checkpoint);
        spec.addOption(quick);
        store.addTo(spec);
        output.addTo(spec);
    }

    CommandSpec spec() {
        return spec;
    }

    @Override
    public Integer call() throws Exception {
        boolean structureOnly = quick.getValue();
        VerifySummary summary;
        try (Store s = store.open()) {
            summary = VerifySummary.of(s.verify(checkpoint.getValue(), structureOnly), structureOnly);
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
