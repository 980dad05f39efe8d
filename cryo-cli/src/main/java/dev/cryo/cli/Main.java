package dev.cryo.cli;

import java.io.PrintWriter;

/** Entry point used by the launcher: runs one command and exits with its code (0 ok, 1 failed, 2 usage). */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        int code = run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true));
        System.exit(code);
    }

    /** Runs {@code args} with the given streams, returning the exit code (what tests call). */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        try {
            if (args.length == 1 && (args[0].equals("--version") || args[0].equals("-V"))) {
                // Answered without building the picocli model: its annotation reflection (one dynamic proxy
                // class generated per annotation type, which the AOT cache cannot hold) is most of a start.
                for (String line : new VersionProvider().getVersion()) {
                    out.println(line);
                }
                return ExitCodes.OK;
            }
            return CryoCommand.commandLine(args, out, err).execute(args);
        } finally {
            out.flush();
            err.flush();
        }
    }
}
