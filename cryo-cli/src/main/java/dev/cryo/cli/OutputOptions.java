package dev.cryo.cli;

import picocli.CommandLine.Option;

/** Mixin: --json (one JSON document on stdout instead of text) and --verbose (stack traces on errors). */
public final class OutputOptions {

    @Option(names = "--json", description = "Print one JSON object on stdout instead of text.")
    boolean json;

    @Option(names = {"-v", "--verbose"}, description = "Print stack traces with errors.")
    boolean verbose;

    public boolean json() {
        return json;
    }

    public boolean verbose() {
        return verbose;
    }
}
