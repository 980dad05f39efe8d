package dev.cryo.cli;

import dev.cryo.cli.demo.Demo;
import dev.cryo.cli.output.TerminalProgress;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "demo", header = "See cryo at work on a bundled program (needs nothing but the build).",
        description = {"Starts a small self-checking program, checkpoints it, kills it, restores it, and shows it "
                + "going on where it stopped, with the same PID. Uses a temporary store unless --store is given."},
        sortOptions = false)
final class DemoCommand implements Callable<Integer> {

    @Mixin
    StoreOption store;

    @Option(names = {"-v", "--verbose"}, description = "Print stack traces with errors.")
    boolean verbose;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        try (TerminalProgress progress = TerminalProgress.onStderr(spec.commandLine().getErr())) {
            new Demo(CryoHome.find(), store.given() ? store.directory() : null, progress, spec.commandLine().getOut()).run();
        }
        return ExitCodes.OK;
    }
}
