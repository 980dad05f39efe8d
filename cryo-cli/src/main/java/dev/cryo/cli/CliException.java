package dev.cryo.cli;

/** An operational error found by the command line itself; the message is one line, "what: why". */
public final class CliException extends Exception {
    public CliException(String message) {
        super(message);
    }

    public CliException(String message, Throwable cause) {
        super(message, cause);
    }
}
