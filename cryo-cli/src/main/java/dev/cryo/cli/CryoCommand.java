package dev.cryo.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/** The root command: lists the verbs; run bare it prints usage (a usage error: no command given). */
@Command(name = "cryo",
        header = "Checkpoint and restore Linux process trees.",
        description = {"Stops a process tree, saves it to a store, and brings it back later, where it left off."},
        versionProvider = VersionProvider.class,
        mixinStandardHelpOptions = true,
        sortOptions = false,
        usageHelpAutoWidth = true,
        synopsisSubcommandLabel = "COMMAND",
        commandListHeading = "%nCommands:%n",
        footerHeading = "%n",
        footer = {"Exit codes: 0 success, 1 operational error, 2 usage error.",
                "Run 'cryo help COMMAND' for a command's options."},
        subcommands = {
                CheckpointCommand.class,
                RestoreCommand.class,
                LsCommand.class,
                InspectCommand.class,
                RmCommand.class,
                VerifyCommand.class,
                DemoCommand.class,
                CommandLine.HelpCommand.class,
        })
public final class CryoCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        spec.commandLine().usage(err);
        return ExitCodes.USAGE;
    }

    /** The configured command line: our error format and exit codes, and the given streams. */
    public static CommandLine commandLine(PrintWriter out, PrintWriter err) {
        CommandLine cl = new CommandLine(new CryoCommand());
        cl.setOut(out);
        cl.setErr(err);
        cl.setParameterExceptionHandler(new UsageErrorHandler());
        cl.setExecutionExceptionHandler(new FailureHandler());
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        return cl;
    }
}
