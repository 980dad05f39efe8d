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
            return CryoCommand.commandLine(args, out, err).execute(args);
        } finally {
            out.flush();
            err.flush();
        }
    }
}
