package dev.cryo.cli;

import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Supplier;

/** The root command: lists the verbs; run bare it prints usage (a usage error: no command given). */
public final class CryoCommand implements Callable<Integer> {

    /**
     * The verbs, in the order help lists them. A run builds the model of the one verb it uses; all of
     * them only when it may list them.
     */
    private static final Map<String, Supplier<Object>> VERBS = verbs();

    private static Map<String, Supplier<Object>> verbs() {
        Map<String, Supplier<Object>> m = new LinkedHashMap<>();
        m.put("run", () -> new RunCommand().spec());
        m.put("ps", () -> new PsCommand().spec());
        m.put("kill", () -> new KillCommand().spec());
        m.put("logs", () -> new LogsCommand().spec());
        m.put("supervise", () -> new SuperviseCommand().spec());
        m.put("checkpoint", () -> new CheckpointCommand().spec());
        m.put("restore", () -> new RestoreCommand().spec());
        m.put("ls", () -> new LsCommand().spec());
        m.put("inspect", () -> new InspectCommand().spec());
        m.put("rm", () -> new RmCommand().spec());
        m.put("verify", () -> new VerifyCommand().spec());
        m.put("gc", () -> new GcCommand().spec());
        m.put("export", () -> new ExportCommand().spec());
        m.put("import", () -> new ImportCommand().spec());
        m.put("demo", () -> new DemoCommand().spec());
        m.put("daemon", () -> new DaemonCommand().spec());
        m.put("help", CommandLine.HelpCommand::new); // picocli's own (annotated): only built for listings
        return m;
    }

    private final CommandSpec spec = CommandSpec.wrapWithoutInspection(this).name("cryo");

    CryoCommand() {
        spec.versionProvider(new VersionProvider());
        spec.usageMessage()
                .header("Checkpoint and restore Linux process trees.")
                .description("Stops a process tree, saves it to a store, and brings it back later, where it left off.")
                .sortOptions(false)
                .autoWidth(true)
                .synopsisSubcommandLabel("COMMAND")
                .commandListHeading("%nCommands:%n")
                .footerHeading("%n")
                .footer("Exit codes: 0 success, 1 operational error, 2 usage error.",
                        "Run 'cryo help COMMAND' for a command's options.");
        spec.addOption(OptionSpec.builder("-h", "--help").type(boolean.class).arity("0").usageHelp(true)
                .description("Show this help message and exit.").build());
        spec.addOption(OptionSpec.builder("-V", "--version").type(boolean.class).arity("0").versionHelp(true)
                .description("Print version information and exit.").build());
    }

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        spec.commandLine().usage(err);
        return ExitCodes.USAGE;
    }

    /** The command line for {@code args}: our error format and exit codes, and the given streams. */
    public static CommandLine commandLine(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cl = new CommandLine(new CryoCommand().spec);
        for (String verb : verbsNeeded(args)) {
            cl.addSubcommand(verb, VERBS.get(verb).get());
        }
        cl.setOut(out);
        cl.setErr(err);
        cl.setParameterExceptionHandler(new UsageErrorHandler());
        cl.setExecutionExceptionHandler(new FailureHandler());
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
