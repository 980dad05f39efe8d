package dev.cryo.engine.ipc;

import dev.cryo.linux.ipc.SysvIpc;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The one thread of cryo that visits other IPC namespaces. SysV calls act in the namespace of the
 * calling thread, and setns(CLONE_NEWIPC) changes only that thread, so the work is handed to this
 * thread, which enters the namespace, works, and goes back home; no other code ever runs on it.
 */
final class IpcNamespaceThread {
    private static final ExecutorService THREAD = Executors.newSingleThreadExecutor(
            r -> Thread.ofPlatform().name("cryo-ipc").daemon(true).unstarted(r));

    private IpcNamespaceThread() {}

    /** Runs {@code work} inside the IPC namespace of process {@code pid}; its exception is rethrown as is. */
    static <T> T call(int pid, Callable<T> work) throws Exception {
        return result(submit(pid, work));
    }

    /** Starts {@code work} inside the IPC namespace of process {@code pid}; {@link #result} waits for it. */
    static <T> Future<T> submit(int pid, Callable<T> work) {
        return THREAD.submit(() -> {
            try (SysvIpc.Entered ignored = SysvIpc.enterNamespaceOf(pid)) {
                return work.call();
            }
        });
    }

    /** The result of submitted work; its exception is rethrown as is. */
    static <T> T result(Future<T> f) throws Exception {
        try {
            return f.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception ex) throw ex;
            if (e.getCause() instanceof Error err) throw err;
            throw e;
        }
    }
}
