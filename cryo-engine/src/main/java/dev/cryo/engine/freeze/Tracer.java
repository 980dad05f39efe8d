package dev.cryo.engine.freeze;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The one platform thread that owns a traced tree. The kernel binds a tracee to the thread that
 * attached it: every ptrace call and every wait for those tasks must be made from here, so all
 * tracing work is submitted to this thread and the caller waits for its result.
 */
public final class Tracer implements AutoCloseable {
    private final ExecutorService thread;

    public Tracer(String name) {
        this.thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = Thread.ofPlatform().name("cryo-tracer-" + name).daemon(true).unstarted(r);
            return t;
        });
    }

    /** Runs {@code work} on the tracer thread and returns its result; its exception is rethrown as is. */
    public <T> T call(Callable<T> work) throws Exception {
        Future<T> f = thread.submit(work);
        try {
            return f.get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof Exception ex) throw ex;
            if (cause instanceof Error err) throw err;
            throw e;
        }
    }

    @Override
    public void close() {
        thread.shutdown();
    }
}
