package dev.cryo.cli;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/** Mixin: --json (one JSON document on stdout instead of text) and --verbose (stack traces on errors). */
public final class OutputOptions {
    private final OptionSpec json = Options.flag("Print one JSON document on stdout instead of text.", "--json");
    private final OptionSpec verbose = Options.verbose();

    /** Adds --json and --verbose to {@code spec}; returns this, to read the values once parsed. */
    public OutputOptions addTo(CommandSpec spec) {
        spec.addOption(json);
        spec.addOption(verbose);
        return this;
    }

    public boolean json() {
        return json.getValue();
    }

    public boolean verbose() {
        return verbose.getValue();
    }
}
