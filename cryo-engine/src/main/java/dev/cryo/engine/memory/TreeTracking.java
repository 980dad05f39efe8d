package dev.cryo.engine.memory;

import dev.cryo.engine.CheckpointOptions.Tracking;
import dev.cryo.linux.mem.NativeBuffer;
import dev.cryo.store.Store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Dirty tracking of every process of one checkpoint's tree: one {@link IncrementalDump} per process, each
 * with its own tracker, baseline and fallback. A process that has a tracker from the previous checkpoint is
 * dumped incrementally; one forked since (or whose tracker was lost) is dumped whole and armed now; one that
 * exited since simply is not asked for (its holder drops its tracker when it is gone).
 */
public final class TreeTracking implements AutoCloseable {
    private final Tracking mode;
    private final TrackerHolder holder;
    private final Store store;
    private final Map<Integer, IncrementalDump> dumps = new LinkedHashMap<>();
    /** The processes actually dumped (some of those seen before the freeze may have exited by then). */
    private final Set<Integer> dumped = new LinkedHashSet<>();

    private TreeTracking(Tracking mode, TrackerHolder holder, Store store) {
        this.mode = mode;
        this.holder = holder;
        this.store = store;
    }

    /** Takes back (before the freeze) the tracker of each of {@code pids} that has one. */
    public static TreeTracking begin(List<Integer> pids, Tracking mode, TrackerHolder holder, Store store)
            throws IOException {
        TreeTracking t = new TreeTracking(mode, holder, store);
        try {
            for (int pid : pids) t.get(pid);
        } catch (IOException | RuntimeException e) {
            t.close();
            throw e;
        }
        return t;
    }

    /**
     * The tracking of {@code pid}, a process being dumped; one not seen before the freeze (forked meanwhile)
     * gets one now, with no tracker to take back: it is dumped whole, and armed.
     */
    public IncrementalDump of(int pid) throws IOException {
        dumped.add(pid);
        return get(pid);
    }

    private IncrementalDump get(int pid) throws IOException {
        IncrementalDump d = dumps.get(pid);
        if (d == null) {
            d = IncrementalDump.begin(pid, mode, holder, store);
            dumps.put(pid, d);
        }
        return d;
    }

    /** The copy buffer of {@code pid}, mapped before the freeze (see {@link IncrementalDump#prepare}). */
    public NativeBuffer prepare(int pid) throws IOException {
        return get(pid).prepare();
    }

    /** Opens every process's baseline; call while holding the store. */
    public void openBaselines() {
        for (IncrementalDump d : dumps.values()) d.openBaseline(store);
    }

    /** Hands every tracker on, for the next checkpoint, which builds on {@code checkpointId}. */
    public void keep(String checkpointId, boolean leaveRunning) {
        for (int pid : dumped) dumps.get(pid).keep(checkpointId, store, leaveRunning);
    }

    /** "incremental" when any process was dumped from a tracker and its baseline, else "full". */
    public String mode() {
        return incrementalCount() > 0 ? "incremental" : "full";
    }

    /** How many processes were dumped incrementally. */
    public int incrementalCount() {
        return (int) dumped.stream().filter(p -> dumps.get(p).baselineId() != null).count();
    }

    /** The checkpoint the incremental processes build on (the previous tracked one), or null. */
    public String baselineId() {
        return dumped.stream().map(p -> dumps.get(p).baselineId()).filter(b -> b != null).findFirst().orElse(null);
    }

    /**
     * Why processes were taken in full though incremental was asked for (each named when several), or null.
     * A process forked since the previous checkpoint, or gone by now, is no news.
     */
    public String note() {
        List<String> notes = new ArrayList<>();
        for (int pid : dumped) {
            IncrementalDump d = dumps.get(pid);
            if (d.note() == null || dumped.size() > 1 && (d.isNew() || !Files.exists(Path.of("/proc/" + pid)))) continue;
            notes.add(dumped.size() == 1 ? d.note() : "pid " + pid + ": " + d.note());
        }
        if (notes.isEmpty() && incrementalCount() == 0) {
            // nothing was incremental: why not, as the first process (the root) says
            return dumped.stream().map(p -> dumps.get(p).note()).filter(n -> n != null).findFirst().orElse(null);
        }
        return notes.isEmpty() ? null : String.join("; ", notes);
    }

    @Override
    public void close() {
        dumps.values().forEach(IncrementalDump::close);
    }
}
