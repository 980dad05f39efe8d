package dev.cryo.cli;

import picocli.CommandLine;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

import java.util.List;

/**
 * Usage errors: one line on stderr, {@code cryo: <command>: <problem> (see 'cryo help <command>')}, exit 2.
 * No usage dump: the hint says where it is, and scripts get a line they can show as is.
 */
final class UsageErrorHandler implements IParameterExceptionHandler {

    @Override
    public int handleParseException(ParameterException ex, String[] args) {
        CommandLine cmd = ex.getCommandLine();
        cmd.getErr().println(message(ex));
        cmd.getErr().flush();
        return ExitCodes.USAGE;
    }

    static String message(ParameterException ex) {
        CommandLine cmd = ex.getCommandLine();
        boolean root = cmd.getParent() == null;
        if (root && ex instanceof UnmatchedArgumentException u) {
            List<String> unmatched = u.getUnmatched();
            String first = unmatched.isEmpty() ? "" : unmatched.getFirst();
            if (!first.startsWith("-")) {
                return "cryo: unknown command '" + first + "' (see 'cryo help')";
            }
        }
        String what = root ? "" : cmd.getCommandName() + ": ";
        String hint = root ? "cryo help" : "cryo help " + cmd.getCommandName();
        return "cryo: " + what + lowerFirst(oneLine(ex.getMessage())) + " (see '" + hint + "')";
    }

    private static String lowerFirst(String s) {
        if (s.length() > 1 && Character.isUpperCase(s.charAt(0)) && !Character.isUpperCase(s.charAt(1))) {
            return Character.toLowerCase(s.charAt(0)) + s.substring(1);
        }
        return s;
    }

    static String oneLine(String s) {
        return s == null ? "" : s.strip().replaceAll("\\s*\\R\\s*", "; ");
    }
}
