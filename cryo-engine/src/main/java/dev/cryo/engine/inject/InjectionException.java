package dev.cryo.engine.inject;

import java.io.IOException;

/** An injected system call did not complete as a system call should (the task died or stopped oddly). */
public final class InjectionException extends IOException {
    public InjectionException(int tid, long nr, String what) {
        super("injected syscall " + nr + " in thread " + tid + ": " + what);
    }
}
