package dev.cryo.cli;

import java.util.List;
import java.util.Locale;

/** Signal names and numbers on the command line (x86_64 numbering). */
final class SignalNames {
    private static final List<String> NAMES = List.of("", "HUP", "INT", "QUIT", "ILL", "TRAP", "ABRT", "BUS", "FPE",
            "KILL", "USR1", "SEGV", "USR2", "PIPE", "ALRM", "TERM", "STKFLT", "CHLD", "CONT", "STOP", "TSTP", "TTIN",
            "TTOU", "URG", "XCPU", "XFSZ", "VTALRM", "PROF", "WINCH", "IO", "PWR", "SYS");

    private SignalNames() {}

    static int parse(String command, String text) throws CliException {
        String t = text.strip().toUpperCase(Locale.ROOT);
        if (t.startsWith("SIG")) t = t.substring(3);
        if (!t.isEmpty() && t.chars().allMatch(Character::isDigit)) {
            int n = Integer.parseInt(t);
            if (n >= 1 && n <= 64) return n;
        } else {
            int i = NAMES.indexOf(t);
            if (i > 0) return i;
        }
        throw new CliException(command + ": '" + text + "' is not a signal (a name like TERM, or a number)");
    }
}
