package dev.cryo.engine.restore;

import dev.cryo.engine.EngineException;

/** The recorded PID is held by another live process in cryo's PID namespace. */
public final class PidInUseException extends EngineException {
    public PidInUseException(int pid, String holder) {
        super("restore: PID " + pid + " is in use by another process" + (holder != null ? " (" + holder + ")" : "")
                + "; restore with --pidns new (or auto) to give it its PID in a new PID namespace");
    }
}
