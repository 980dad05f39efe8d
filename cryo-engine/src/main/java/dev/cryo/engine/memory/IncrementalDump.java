package dev.cryo.engine.memory;

import dev.cryo.engine.CheckpointOptions.Tracking;
import dev.cryo.engine.DumpSession;
import dev.cryo.engine.EngineException;
import dev.cryo.image.Checkpoint;
import dev.cryo.image.codec.ImageCodec;
import dev.cryo.image.task.ProcessEntry;
import dev.cryo.linux.mem.NativeBuffer;
import dev.cryo.store.CheckpointReader;
import dev.cryo.store.Store;

import java.io.IOException;

/**
 * The dirty-tracking side of one checkpoint, in the order the checkpoint needs it: take the tracker the
 * previous checkpoint left (before the freeze), find its baseline (once the store is held), arm a new
 * tracker if there is none (while the process is frozen), and hand the tracker on (after the commit).
 *
 * <p>Any trouble with the tracker or the baseline makes the checkpoint a full one, with a note saying
 * why: the store keeps only pages whose hash it does not have yet, so that costs time, never correctness.
 */
public final class IncrementalDump implements AutoCloseable {
    private final int pid;
    private final Tracking mode;
    private final TrackerHolder holder;
    private DirtyTracker tracker;
    private String baselineId;
    private CheckpointReader baselineReader;
    private Increment increment;
    private String note;
    private long expectedCopy;
    private boolean isNew;

    private IncrementalDump(int pid, Tracking mode, TrackerHolder holder) {
        this.pid = pid;
        this.mode = mode;
        this.holder = holder;
    }

    /** Takes the process's tracker back from its holder (before the freeze). */
    public static IncrementalDump begin(int pid, Tracking mode, TrackerHolder holder, Store store) throws IOException {
        IncrementalDump d = new IncrementalDump(pid, mode, holder);
        if (mode == Tracking.NONE) return d;
        TrackerHolder.Taken taken = holder.take(pid, store.directory());
        d.tracker = taken.tracker();
        d.baselineId = taken.baselineId();
        d.note = taken.missing();
        d.expectedCopy = taken.expectedCopy();
        d.isNew = taken.isNew();
        if (mode == Tracking.FULL) d.note = null; // asked for: no need to say why it is not incremental
        if (d.incremental()) Increment.warmUp();
        return d;
    }

    /** True when the checkpoint should copy only written pages (so a copy buffer sized for all is not needed). */
    public boolean incremental() {
        return mode == Tracking.INCREMENTAL && tracker != null;
    }

    /**
     * The copy buffer, mapped and populated before the freeze: for all the process's memory, or for an
     * incremental checkpoint twice what the previous one copied (a capture that needs more maps more,
     * while frozen), but never more than all the process's memory: populating a buffer costs CPU the
     * application may need (0.2 s per 2 GiB of huge pages, 2.2 s when the kernel must compact memory for them).
     */
    public NativeBuffer prepare() throws IOException {
        if (!incremental()) return MemoryHandler.prepare(pid);
        long size = 2 * expectedCopy;
        if (size > (64 << 20)) size = Math.min(size, MemoryHandler.ownMemory(pid));
        return NativeBuffer.map(size + (4 << 20));
    }

    /** Opens the baseline; call while holding the store (a checkpoint being written), so gc cannot take its pages. */
    public void openBaseline(Store store) {
        if (!incremental()) return;
        try {
            baselineReader = store.open(baselineId);
            Checkpoint c = ImageCodec.decode(baselineReader.metadata());
            // by its memory blob, named for the PID seen from here (a group's entries carry the PIDs inside it)
            String blob = MemoryHandler.blobName(pid);
            ProcessEntry p = c.processes().stream().filter(e -> blob.equals(e.memoryBlob())).findFirst().orElse(null);
            if (p == null) throw new IOException("pid " + pid + " is not in it");
            increment = new Increment(tracker, new Baseline(baselineId, p.vmas(), baselineReader.blob(p.memoryBlob())));
        } catch (IOException | dev.cryo.image.codec.ImageFormatException e) {
            note = "the previous checkpoint " + baselineId + " cannot be used (" + e.getMessage() + ")";
            closeBaseline();
        }
    }

    /**
     * Arms a tracker in the frozen process when there is none and one is wanted (the process goes on
     * running afterwards); call while system calls can be injected. A process where the kernel refuses
     * gets a full checkpoint without tracking and a note.
     */
    public void arm(DumpSession s, boolean leaveRunning) {
        if (mode == Tracking.NONE || tracker != null || !leaveRunning) return;
        try {
            tracker = DirtyTracker.arm(s);
        } catch (IOException e) {
            note = (note == null ? "" : note + "; ") + "dirty tracking is not available: " + e.getMessage();
        }
    }

    /** What the memory capture uses: null without tracking. */
    public Increment increment() {
        if (increment != null) return increment;
        if (tracker == null) return null;
        increment = new Increment(tracker, null);
        return increment;
    }

    /**
     * Hands the tracker on for the next checkpoint of the process, which builds on {@code checkpointId}.
     * The checkpoint is committed by now: a failure only costs the next one its tracker (see {@link #note}).
     */
    public void keep(String checkpointId, Store store, boolean leaveRunning) {
        if (tracker == null || !leaveRunning) return;
        // what the next incremental may copy: what this one copied (all of it, if it was a full one)
        long written = increment != null ? increment.writtenBytes() : 16 << 20;
        DirtyTracker handed = tracker;
        tracker = null; // the holder's now, even if it fails to keep it
        handed.finishScan();
        try {
            holder.keep(handed, checkpointId, store.directory(), written);
        } catch (IOException | EngineException e) {
            note = (note == null ? "" : note + "; ") + "the next checkpoint will be full: " + e.getMessage();
        }
    }

    public String mode() {
        return increment != null && increment.baseline() != null ? "incremental" : "full";
    }

    public String baselineId() {
        return increment != null && increment.baseline() != null ? baselineId : null;
    }

    /** True when no tracker was ever kept for this process (it is new since the previous checkpoint, or the first). */
    public boolean isNew() {
        return isNew;
    }

    public String note() {
        return note;
    }

    private void closeBaseline() {
        increment = null;
        if (baselineReader != null) {
            try {
                baselineReader.close();
            } catch (IOException ignored) {
                // only reading
            }
            baselineReader = null;
        }
    }

    @Override
    public void close() {
        closeBaseline();
        if (tracker != null) tracker.close();
    }
}
