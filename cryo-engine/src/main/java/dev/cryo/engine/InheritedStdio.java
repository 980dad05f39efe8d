package dev.cryo.engine;

import java.util.concurrent.Callable;

/**
 * What "the restorer's stdio" ({@code --stdio inherit}) is: descriptors 0, 1, 2 of this process, unless a
 * resident {@code cryo daemon} runs the restore for a caller whose stdin/stdout/stderr it received as other
 * descriptors. Set on the caller's thread and inherited by the threads it starts (the restore's tracer).
 */
public final class InheritedStdio {
    private static final InheritableThreadLocal<int[]> FDS = new InheritableThreadLocal<>();

    private InheritedStdio() {}

    /** Runs {@code work} with {@code fds} (stdin, stdout, stderr) standing for the restorer's stdio. */
    public static <T> T with(int[] fds, Callable<T> work) throws Exception {
        FDS.set(fds.clone());
        try {
            return work.call();
        } finally {
            FDS.remove();
        }
    }

    /** Our descriptor that stands for stdio descriptor {@code which} (0, 1 or 2). */
    public static int fd(int which) {
        int[] fds = FDS.get();
        return fds == null ? which : fds[which];
    }
}
