package dev.cryo.engine;

/**
 * A checkpoint or restore that could not be done. The message is one line for the user,
 * "what failed: why", naming the process and the resource involved.
 */
public class EngineException extends Exception {
    public EngineException(String message) {
        super(message);
    }

    public EngineException(String message, Throwable cause) {
        super(message, cause);
    }
}
