package dev.cryo.linux.proc;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The threads of a process (/proc/PID/task) and the children of a thread (/proc/PID/task/TID/children).
 *
 * <p>Both are snapshots: threads and children come and go unless the process is frozen, which is why the engine
 * re-reads them until the set is stable. A thread that exits between listing and reading its children simply
 * has none. /proc/PID/task/TID/children lists the children that thread forked (CLONE_PARENT aside); when a
 * thread exits, its children move to another thread of the process. The children of a process are therefore the
 * union over its threads, which {@link #children(int)} reads.
 */
public final class TaskList {

    private TaskList() {
    }

    /** TIDs of the process, ascending. */
    public static int[] tids(int pid) throws IOException {
        int[] out = new int[8];
        int n = 0;
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(ProcText.pidDir(pid).resolve("task"))) {
            for (Path task : dir) {
                if (n == out.length) {
                    out = Arrays.copyOf(out, n * 2);
                }
                out[n++] = Integer.parseInt(task.getFileName().toString());
            }
        }
        int[] tids = Arrays.copyOf(out, n);
        Arrays.sort(tids);
        return tids;
    }

    /** PIDs of the children forked by thread {@code tid} of process {@code pid}; empty if the thread is gone. */
    public static int[] children(int pid, int tid) throws IOException {
        try {
            return parseChildren(ProcText.read(ProcText.taskDir(pid, tid).resolve("children")));
        } catch (NoSuchFileException threadExited) {
            return new int[0];
        }
    }

    /** PIDs of all children of the process (every thread's), ascending, without duplicates. */
    public static int[] children(int pid) throws IOException {
        int[] all = new int[0];
        for (int tid : tids(pid)) {
            int[] some = children(pid, tid);
            if (some.length > 0) {
                int[] merged = Arrays.copyOf(all, all.length + some.length);
                System.arraycopy(some, 0, merged, all.length, some.length);
                all = merged;
            }
        }
        return Arrays.stream(all).sorted().distinct().toArray();
    }

    /** "2345 2346 " (space-separated, trailing space) to PIDs in file order. */
    public static int[] parseChildren(String text) {
        int[] out = new int[4];
        int n = 0;
        int to = text.length();
        int i = skip(text, 0, to);
        while (i < to) {
            int e = i;
            while (e < to && !Character.isWhitespace(text.charAt(e))) {
                e++;
            }
            if (n == out.length) {
                out = Arrays.copyOf(out, n * 2);
            }
            out[n++] = (int) ProcText.decimal(text, i, e);
            i = skip(text, e, to);
        }
        return Arrays.copyOf(out, n);
    }

    private static int skip(String text, int from, int to) {
        while (from < to && Character.isWhitespace(text.charAt(from))) {
            from++;
        }
        return from;
    }
}
