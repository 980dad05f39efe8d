package dev.cryo.cli;

/** The exit codes cryo documents (design.md §1). Never reused for another meaning. */
public final class ExitCodes {
    private ExitCodes() {}

    public static final int OK = 0;
    /** Something failed: a process, the store, the file system, the engine. */
    public static final int FAILED = 1;
    /** The command line was wrong; nothing was done. */
    public static final int USAGE = 2;
}
