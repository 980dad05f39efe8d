package dev.cryo.cli;

import dev.cryo.engine.group.GroupRegistry;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

import java.util.concurrent.Callable;

/**
 * {@code cryo supervise NAME --every DURATION --keep N} (internal, not listed): the periodic checkpoints
 * of a detached group, started detached by `cryo run --detach --every`; ends when the group does.
 */
final class SuperviseCommand implements Callable<Integer> {
    private final CommandSpec spec = Options.verb(this, "supervise", "Take a group's periodic checkpoints (internal).");
    private final PositionalParamSpec name = Options.parameter("NAME", "The group.");
    private final OptionSpec every = OptionSpec.builder("--every").paramLabel("DURATION").type(String.class).required(true)
            .description("The interval.").build();
    private final OptionSpec keep = OptionSpec.builder("--keep").paramLabel("N").type(int.class).defaultValue("5")
            .description("Checkpoints to keep.").build();
    private final StoreOption store = new StoreOption();

    SuperviseCommand() {
        spec.usageMessage().hidden(true);
        spec.addPositional(name);
        spec.addOption(every);
        spec.addOption(keep);
        store.addTo(spec);
    }

    CommandSpec spec() {
        return spec;
    }

    @Override
    public Integer call() throws Exception {
        GroupRegistry.Group g = GroupCheckpoints.running("supervise", name.getValue());
        new Supervisor(store, g, DurationOption.parse("supervise", every.getValue()), keep.getValue(),
                spec.commandLine().getErr()).run();
        return ExitCodes.OK;
    }
}
