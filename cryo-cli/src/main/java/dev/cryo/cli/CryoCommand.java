package dev.cryo.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Supplier;

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
                "Run 'cryo help COMMAND' for a command's options."})
public final class CryoCommand implements Callable<Integer> {

    /**
     * The verbs, in the order help lists them. Registered in code rather than in the annotation so that
     * a run builds the picocli model (annotation reflection, the main start-up cost) of the one verb it
     * uses: {@code cryo ls} never reflects over restore's options.
     */
    private static final Map<String, Supplier<Object>> VERBS = verbs();

    private static Map<String, Supplier<Object>> verbs() {
        Map<String, Supplier<Object>> m = new LinkedHashMap<>();
        m.put("checkpoint", CheckpointCommand::new);
        m.put("restore", RestoreCommand::new);
        m.put("ls", LsCommand::new);
        m.put("inspect", InspectCommand::new);
        m.put("rm", RmCommand::new);
        m.put("verify", VerifyCommand::new);
        m.put("demo", DemoCommand::new);
        m.put("help", CommandLine.HelpCommand::new);
        return m;
    }

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        spec.commandLine().usage(err);
        return ExitCodes.USAGE;
    }

    /** The command line for {@code args}: our error format and exit codes, and the given streams. */
    public static CommandLine commandLine(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cl = new CommandLine(new CryoCommand());
        for (String verb : verbsNeeded(args)) {
            cl.addSubcommand(verb, VERBS.get(verb).get());
        }
        cl.setOut(out);
        cl.setErr(err);
        cl.setParameterExceptionHandler(new UsageErrorHandler());
        cl.setExecutionExceptionHandler(new FailureHandler());
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        return cl;
    }

    /**
     * The verbs {@code args} can reach: the one it names; all of them when a listing or a suggestion may
     * be printed (no verb, help, an unknown word).
     */
    static List<String> verbsNeeded(String[] args) {
        for (String a : args) {
            if (a.startsWith("-")) {
                continue;
            }
            return VERBS.containsKey(a) && !a.equals("help") ? List.of(a) : List.copyOf(VERBS.keySet());
        }
        return List.copyOf(VERBS.keySet());
    }
}
