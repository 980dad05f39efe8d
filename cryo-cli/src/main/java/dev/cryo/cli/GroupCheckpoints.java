package dev.cryo.cli;

import dev.cryo.engine.CheckpointOptions;
import dev.cryo.store.Compression;
import dev.cryo.engine.CheckpointResult;
import dev.cryo.engine.Checkpointer;
import dev.cryo.engine.EngineException;
import dev.cryo.engine.Progress;
import dev.cryo.engine.group.FreezerCgroup;
import dev.cryo.engine.group.GroupRegistry;
import dev.cryo.engine.group.RunningGroup;
import dev.cryo.store.CheckpointInfo;
import dev.cryo.store.Store;

import java.io.IOException;
import java.util.List;

/**
 * Checkpoints of a running group (by `checkpoint NAME` and by `run --every`): labelled with the group's
 * name, remembered in the registry as its last one, and pruned to the newest {@code keep}.
 */
final class GroupCheckpoints {
    private GroupCheckpoints() {}

    /** The running group {@code name}, or a one-line reason why there is none. */
    static GroupRegistry.Group running(String command, String name) throws IOException, CliException {
        GroupRegistry.Group g = new GroupRegistry().find(name);
        if (g == null) throw new CliException(command + ": no group named " + name + " (see `cryo ps`)");
        if (!g.alive()) throw new CliException(command + ": group " + name + " is not running any more");
        return g;
    }

    static CheckpointResult take(Store store, Progress progress, GroupRegistry.Group g, boolean leaveRunning,
                                 CheckpointOptions.Tracking tracking, Compression compression)
            throws EngineException, IOException {
        return take(store, progress, g, new CheckpointOptions(leaveRunning, g.name(), tracking).compressedWith(compression));
    }

    /** As above, with every option given (a supervisor passes the trackers it holds itself). */
    static CheckpointResult take(Store store, Progress progress, GroupRegistry.Group g, CheckpointOptions options)
            throws EngineException, IOException {
        RunningGroup target = new RunningGroup(g.initPid(), g.rootPid(), FreezerCgroup.of(g.name()));
        CheckpointResult r = new Checkpointer(store, progress).checkpointGroup(target, options);
        new GroupRegistry().setLastCheckpoint(g, r.id());
        return r;
    }

    /**
     * Removes all but the newest {@code keep} checkpoints of group {@code name}. (Full checkpoints: an
     * incremental one would keep what it depends on; the store never breaks one checkpoint by removing
     * another, so pruning stays this simple.)
     */
    static void prune(Store store, String name, int keep) throws IOException {
        List<CheckpointInfo> mine = store.list().stream().filter(c -> c.name().equals(name)).toList();
        for (int i = 0; i < mine.size() - keep; i++) store.remove(mine.get(i).id());
    }

    /** Whether {@code ref} names checkpoints of a group (taken by `checkpoint NAME` or `run --every`). */
    static boolean isGroupCheckpoint(Store store, String ref) throws IOException {
        if (!GroupRegistry.isName(ref)) return false;
        List<CheckpointInfo> named = store.list().stream().filter(c -> c.name().equals(ref)).toList();
        return !named.isEmpty() && "1".equals(named.getLast().labels().get("group"));
    }
}
