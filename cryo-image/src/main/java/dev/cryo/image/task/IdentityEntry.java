package dev.cryo.image.task;

import java.util.List;

/**
 * Who a process is and the environment it runs in: the state that is not memory, threads or files.
 *
 * @param uids     real, effective, saved, filesystem
 * @param gids     real, effective, saved, filesystem
 * @param rlimits  [resource, soft, hard] triples (-1 = unlimited)
 * @param schedPolicy SCHED_* of the main thread
 * @param dumpable    PR_GET_DUMPABLE (the kernel clears it when credentials change: set again after them)
 * @param timerSlackNanos PR_GET_TIMERSLACK of the main thread
 */
public record IdentityEntry(String cwd, String root, int umask, int personality, int nice, int schedPolicy,
                            int schedPriority, List<Integer> uids, List<Integer> gids, List<Integer> groups,
                            List<long[]> rlimits, int dumpable, boolean childSubreaper, boolean noNewPrivs,
                            boolean thpDisabled, long timerSlackNanos) {
}
