package dev.cryo.engine;

import java.io.IOException;

/**
 * The process holds something Cryo cannot checkpoint (yet). The message names the process, the resource
 * (fd number and kind, memory area) and why; the checkpoint is abandoned and the process left running.
 */
public final class UnsupportedResourceException extends IOException {
    public UnsupportedResourceException(int pid, String resource, String why) {
        super("pid " + pid + ": " + resource + ": " + why);
    }
}
