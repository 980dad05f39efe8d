package dev.cryo.cli.output;

/** "1 process", "3 processes". */
public final class Plural {
    private Plural() {}

    public static String of(long n, String one, String many) {
        return n + " " + (n == 1 ? one : many);
    }
}
