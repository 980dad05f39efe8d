package dev.cryo.engine;

import java.nio.file.Path;

/**
 * How to restore.
 *
 * @param detach  return once the tree runs instead of waiting for the root to exit
 * @param pidns   where the restored PIDs live
 * @param stdio   what stdio that pointed outside the checkpoint (a terminal, a foreign pipe) becomes
 * @param logFile with {@link StdioMode#LOG}: the file stdout/stderr go to
 * @param cgroupProcs for a group (cryo run): the cgroup.procs of its freezer cgroup, which the restored
 *                    tree joins; the tree then always gets a new PID namespace with an init of its own
 */
public record RestoreOptions(boolean detach, PidNamespaceMode pidns, StdioMode stdio, Path logFile, Path cgroupProcs) {

    public RestoreOptions(boolean detach, PidNamespaceMode pidns, StdioMode stdio, Path logFile) {
        this(detach, pidns, stdio, logFile, null);
    }

    public static RestoreOptions defaults() {
        return new RestoreOptions(false, PidNamespaceMode.AUTO, StdioMode.INHERIT, null);
    }

    /** --pidns: auto = the recorded PIDs in the caller's namespace when free, else a new namespace. */
    public enum PidNamespaceMode { AUTO, HOST, NEW }

    /** --stdio: inherit = the restorer's stdio; null = /dev/null; log = a log file. */
    public enum StdioMode { INHERIT, NULL, LOG }
}
