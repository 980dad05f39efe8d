package dev.cryo.cli.daemon;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.concurrent.Callable;

/**
 * System.out and System.err of the daemon, routed to the stdout and stderr of the request the writing thread
 * works for (threads a request starts inherit it), and to the daemon's own (its log) otherwise. Commands
 * write to their command line's streams; this catches what deeper layers print (timings, traces).
 */
final class StdioRouting {
    private static final InheritableThreadLocal<FdOutputStream[]> CURRENT = new InheritableThreadLocal<>();

    private StdioRouting() {}

    /** Replaces System.out and System.err; once, at daemon start. */
    static void install() {
        System.setOut(new PrintStream(new Routed(System.out, 0), true));
        System.setErr(new PrintStream(new Routed(System.err, 1), true));
    }

    /** Runs {@code work} with this thread's (and its new threads') System.out and System.err going to {@code out}, {@code err}. */
    static <T> T with(FdOutputStream out, FdOutputStream err, Callable<T> work) throws Exception {
        CURRENT.set(new FdOutputStream[] {out, err});
        try {
            return work.call();
        } finally {
            CURRENT.remove();
        }
    }

    private static final class Routed extends OutputStream {
        private final PrintStream own;
        private final int which;

        Routed(PrintStream own, int which) {
            this.own = own;
            this.which = which;
        }

        @Override
        public void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            FdOutputStream[] request = CURRENT.get();
            if (request != null) {
                try {
                    request[which].write(b, off, len);
                    return;
                } catch (IOException e) {
                    // the request has ended (a thread outlived it) or its caller went away: the log gets it
                }
            }
            own.write(b, off, len);
        }

        @Override
        public void flush() {
            own.flush();
        }
    }
}
