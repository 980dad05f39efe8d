package dev.cryo.cli;

import dev.cryo.cli.demo.Demo;
import dev.cryo.cli.output.TerminalProgress;
import picocli.CommandLine.Model.CommandSpec;

import java.util.concurrent.Callable;

/** {@code cryo demo}. */
final class DemoCommand implements Callable<Integer> {
    private final CommandSpec spec = Options.verb(this, "demo",
            "See cryo at work on a bundled program (needs nothing but the build).",
            "Starts a small self-checking program, checkpoints it, kills it, restores it, and shows it going on "
                    + "where it stopped, with the same PID. Uses a temporary store unless --store is given.");
    private final StoreOption store = new StoreOption();

    DemoCommand() {
        store.addTo(spec);
        spec.addOption(Options.verbose());
    }

    CommandSpec spec() {
        return spec;
    }

    @Override
    public Integer call() throws Exception {
        try (TerminalProgress progress = TerminalProgress.onStderr(spec.commandLine().getErr())) {
            new Demo(CryoHome.find(), store.given() ? store.directory() : null, progress, spec.commandLine().getOut()).run();
        }
        return ExitCodes.OK;
    }
}
