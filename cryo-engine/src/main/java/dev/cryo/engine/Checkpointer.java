package dev.cryo.engine;

import dev.cryo.engine.files.FdTableHandler;
import dev.cryo.engine.freeze.FrozenProcess;
import dev.cryo.engine.freeze.Tracer;
import dev.cryo.engine.freeze.TreeFreezer;
import dev.cryo.engine.group.RunningGroup;
import dev.cryo.engine.identity.IdentityHandler;
import dev.cryo.engine.ipc.SemUndoHandler;
import dev.cryo.engine.ipc.SysvIpcHandler;
import dev.cryo.engine.memory.Increment;
import dev.cryo.engine.memory.MemoryHandler;
import dev.cryo.engine.memory.TreeTracking;
import dev.cryo.engine.mm.MmHandler;
import dev.cryo.engine.signals.SignalHandler;
import dev.cryo.engine.sockets.AcceptQueues;
import dev.cryo.engine.sockets.TcpConnectionHandler;
import dev.cryo.engine.threads.ThreadHandler;
import dev.cryo.engine.timers.PosixTimerHandler;
import dev.cryo.image.Checkpoint;
import dev.cryo.image.codec.ImageCodec;
import dev.cryo.image.fd.FdEntry;
import dev.cryo.image.ipc.IpcNamespaceEntry;
import dev.cryo.image.ipc.SemUndoEntry;
import dev.cryo.image.mm.MmEntry;
import dev.cryo.image.mm.VmaEntry;
import dev.cryo.image.task.IdentityEntry;
import dev.cryo.image.task.ItimerEntry;
import dev.cryo.image.task.PosixTimerEntry;
import dev.cryo.image.task.ProcessEntry;
import dev.cryo.image.task.SigactionEntry;
import dev.cryo.image.task.ThreadEntry;
import dev.cryo.linux.errno.NoSuchProcessException;
import dev.cryo.linux.mem.NativeBuffer;
import dev.cryo.linux.proc.MapsEntry;
import dev.cryo.linux.proc.MapsParser;
import dev.cryo.linux.proc.ProcStat;
import dev.cryo.linux.proc.StatParser;
import dev.cryo.linux.process.Signals;
import dev.cryo.linux.ptrace.Wait;
import dev.cryo.store.CheckpointInfo;
import dev.cryo.store.CheckpointWriter;
import dev.cryo.store.Store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Future;

/** Takes checkpoints of process trees into a store. */
public final class Checkpointer {
    /** How many times a checkpoint freezes a tree whose listeners have connections waiting to be accepted. */
    private static final int ACCEPT_ATTEMPTS = 5;

    private final Store store;
    private final Progress progress;

    public Checkpointer(Store store, Progress progress) {
        this.store = store;
        this.progress = progress;
    }

    /** Checkpoints the tree rooted at {@code pid}. On failure the tree runs on exactly as it was. */
    public CheckpointResult checkpoint(int pid, CheckpointOptions options) throws EngineException {
        long t0 = System.nanoTime();
        if (pid <= 0 || !Files.isDirectory(Path.of("/proc/" + pid))) {
            throw new EngineException("checkpoint: no process with PID " + pid);
        }
        if (pid == ProcessHandle.current().pid()) {
            throw new EngineException("checkpoint: pid " + pid + " is cryo itself");
        }
        return onTracer(pid, null, options, t0);
    }

    /**
     * Checkpoints a group started by {@code cryo run}: every process of its cgroup is stopped at one
     * instant by the freezer, seized while frozen, then let go into the ptrace stops (so nothing can fork,
     * exit or signal in between); PIDs are recorded as its processes see them in its namespace.
     */
    public CheckpointResult checkpointGroup(RunningGroup group, CheckpointOptions options) throws EngineException {
        return onTracer(group.rootPid(), group, options, System.nanoTime());
    }

    private CheckpointResult onTracer(int pid, RunningGroup group, CheckpointOptions options, long t0)
            throws EngineException {
        try (Tracer tracer = new Tracer(Integer.toString(pid))) {
            return tracer.call(() -> dumpOnTracer(pid, group, options, t0));
        } catch (EngineException e) {
            throw e;
        } catch (NoSuchProcessException e) {
            throw new EngineException("checkpoint: pid " + pid + ": the process exited during the checkpoint", e);
        } catch (UnsupportedResourceException e) {
            throw new EngineException("checkpoint: " + e.getMessage(), e);
        } catch (Exception e) {
            throw new EngineException("checkpoint: pid " + pid + ": " + e.getMessage(), e);
        }
    }

    /** One live process being dumped: what must be put back if the checkpoint fails. */
    private static final class Dumping {
        final FrozenProcess frozen;
        DumpSession session;
        long[] masks;
        MemoryHandler.Captured memory;
        ProcessEntry entry;

        Dumping(FrozenProcess frozen) {
            this.frozen = frozen;
        }
    }

    private CheckpointResult dumpOnTracer(int pid, RunningGroup group, CheckpointOptions options, long t0)
            throws Exception {
        PhaseClock clock = new PhaseClock("checkpoint " + pid, t0);
        ProcStat stat = StatParser.read(pid);
        if (stat.isDead()) throw new EngineException("checkpoint: pid " + pid + " is a zombie");
        TreeFreezer freezer = new TreeFreezer(pid);
        int reference = group != null ? group.initPid() : (int) ProcessHandle.current().pid();
        ThreadHandler threads = new ThreadHandler();
        List<Dumping> dumping = new ArrayList<>();
        // TCP connections stay in repair mode until the end: then killed silently, or taken out as they were
        TcpConnectionHandler tcp = new TcpConnectionHandler(!options.leaveRunning());
        boolean frozenNow = false;
        boolean committed = false;
        BackgroundPriority background = null;
        // dirty tracking follows every process of the tree, each with its own tracker (one forked since the
        // previous checkpoint is dumped whole and armed)
        List<Integer> before = new ArrayList<>(TreeFreezer.descendants(pid));
        if (group != null) {
            // and the orphans init adopted, with theirs
            for (int p : group.cgroup().pids()) if (p != group.initPid() && !before.contains(p)) before.add(p);
        }
        TreeTracking tracking = TreeTracking.begin(before, options.tracking(), options.trackers(), store);
        // before the freeze: the copy buffers (and with them the first native calls, which cost most), for
        // every process of the tree as it is now; one forked since gets its buffer during the freeze. An
        // incremental checkpoint copies little, into a buffer mapped when it knows how much. A checkpoint
        // that kills the tree copies nothing out: its pages stream from the stopped processes into the store
        // (as background work: the application runs meanwhile, and faulting in a buffer of its size takes CPU)
        Map<Integer, NativeBuffer> prepared = new LinkedHashMap<>();
        try (BackgroundPriority preparing = options.leaveRunning() ? BackgroundPriority.enter() : null) {
            for (int p : options.leaveRunning() ? before : List.<Integer>of()) {
                try {
                    prepared.put(p, tracking.prepare(p));
                } catch (IOException | RuntimeException gone) {
                    // exited meanwhile, or a zombie (no memory): its buffer, if any, is mapped when needed
                }
            }
        }
        clock.lap("buffers");
        try (tracking; CheckpointWriter writer = store.begin(options.compression())) {
            tracking.openBaselines();
            clock.lap("open");
            Faults.check("seize");
            long acceptDeadline = System.nanoTime() + options.acceptWait().toNanos();
            long frozenAt, frozenCpu;
            TreeFreezer.FrozenTree tree;
            List<Integer> pids;
            TreeFiles files;
            int acceptWaits = 0;
            for (int attempt = 1; ; attempt++) {
                frozenNow = true;
                // the freeze is what the application feels: from the barrier (or the first seize) to the thaw
                frozenAt = System.nanoTime();
                frozenCpu = clock.threadCpu();
                List<Integer> orphans = group != null ? barrier(group, freezer) : List.of();
                tree = freezer.freeze(orphans);
                for (FrozenProcess p : tree.processes()) dumping.add(new Dumping(p));
                clock.lap("freeze");
                Faults.point();
                pids = tree.processes().stream().map(FrozenProcess::pid).toList();
                files = TreeFiles.read(pids);
                List<AcceptQueues.Busy> busy = AcceptQueues.busy(files, tcp);
                if (busy.isEmpty()) break;
                if (attempt == ACCEPT_ATTEMPTS || System.nanoTime() - acceptDeadline >= 0) throw busy.getFirst().refusal();
                // connections wait to be accepted: let the application accept them, and freeze it again
                // (nothing of the tree was touched yet, so this checkpoint is as good as a first one)
                thawAll(freezer, dumping, threads, tcp);
                frozenNow = false;
                dumping.clear();
                freezer = new TreeFreezer(pid);
                AcceptQueues.awaitAccepted(busy, acceptDeadline);
                acceptWaits++;
                clock.lap("accept wait " + attempt);
            }
            for (int p : pids) UnsupportedState.refuse(p, reference);
            TreeShape.check(pid, tree);
            if (group != null) refuseStrays(group, tree);
            GhostFiles ghosts = new GhostFiles(writer);
            for (Dumping d : dumping) {
                d.masks = threads.masks(d.frozen.tids());
            }
            SysvIpcHandler sysv = new SysvIpcHandler();
            Future<IpcNamespaceEntry> ipcDump = group == null ? null : sysv.begin(group.initPid(), writer);
            SemUndoHandler semUndo = sysv.semUndo();
            if (semUndo != null) semUndo.check(tree.processes(), reference);
            for (Dumping d : dumping) {
                // owned by the capture now
                dumpProcess(d, writer, ghosts, files, tcp, threads, prepared.remove(d.frozen.pid()), clock,
                        tracking, options.leaveRunning(), semUndo);
            }
            // a group's own SysV objects, saved while the processes are dumped (all frozen until then)
            IpcNamespaceEntry ipc = sysv.end(ipcDump, dumping.stream().map(d -> d.entry).toList());
            if (ipc != null) clock.lap("sysv ipc");
            Faults.point();
            long freezeMillis = (System.nanoTime() - frozenAt) / 1_000_000;
            if (options.leaveRunning()) {
                // everything is copied out: let the application go while we hash, compress and write
                thawAll(freezer, dumping, threads, tcp);
                frozenNow = false;
                background = BackgroundPriority.enter(); // the rest is background work: the application comes first
                freezeMillis = (System.nanoTime() - frozenAt) / 1_000_000;
                clock.note(String.format("frozen=%dms tracer-cpu-while-frozen=%.1fms", freezeMillis,
                        (clock.threadCpu() - frozenCpu) / 1e6));
                Faults.point();
            }
            long memoryBytes = 0;
            for (Dumping d : dumping) memoryBytes += d.memory.bytes();
            progress.update("writing", 0, memoryBytes);
            for (Dumping d : dumping) MemoryHandler.write(d.memory, writer.blob(d.entry.memoryBlob()));
            clock.lap("thaw+write");
            if (!options.leaveRunning()) {
                // the application stays stopped until it is killed, once the checkpoint is safe
                freezeMillis = (System.nanoTime() - frozenAt) / 1_000_000;
            }
            List<ProcessEntry> processes = new ArrayList<>();
            for (Dumping d : dumping) processes.add(d.entry);
            for (ProcStat z : tree.zombies()) {
                processes.add(ProcessEntry.zombie(z.pid(), z.ppid(), z.pgrp(), z.session(), z.comm(), z.exitCode()));
            }
            processes = TreeShape.parentsFirst(processes);
            int rootPid = pid;
            if (group != null) {
                PidTranslation inside = PidTranslation.read(processes, group.initPid());
                processes = processes.stream().map(inside::translate).toList();
                rootPid = inside.inner(pid);
            }
            ProcessEntry root = processes.getFirst();
            int threadCount = processes.stream().mapToInt(p -> p.threads().size()).sum();
            Checkpoint checkpoint = new Checkpoint(Checkpoint.FORMAT_VERSION, System.currentTimeMillis(),
                    HostFacts.hostname(), HostFacts.kernelRelease(), HostFacts.cpu(root.threads().getFirst().xstate()),
                    rootPid, processes, ipc);
            Faults.check("commit");
            Faults.point();
            Map<String, String> labels = new LinkedHashMap<>();
            if (options.name() != null) labels.put("name", options.name());
            if (group != null) labels.put("group", "1");
            labels.put("pid", Integer.toString(pid));
            labels.put("processes", Integer.toString(processes.size()));
            labels.put("threads", Integer.toString(threadCount));
            labels.put("freeze_ms", Long.toString(freezeMillis));
            labels.put("comm", root.comm());
            labels.put("mode", tracking.mode());
            labels.put("tracked", Integer.toString(tracking.incrementalCount()));
            if (tracking.baselineId() != null) labels.put("baseline", tracking.baselineId());
            if (acceptWaits > 0) labels.put("accept_waits", Integer.toString(acceptWaits));
            CheckpointInfo info = writer.commit(ImageCodec.encode(checkpoint), labels);
            committed = true;
            Faults.point();
            tracking.keep(info.id(), options.leaveRunning());
            clock.lap("commit");
            List<String> warnings = new ArrayList<>();
            if (!options.leaveRunning()) {
                // else what a peer sends before the restore meets a reset: said, not failed for (the
                // checkpoint is committed, and the connections come back if the peer is quiet meanwhile)
                String notHeld = tcp.holdUntilRestored(info.id());
                if (notHeld != null) {
                    warnings.add("TCP connections not held until the restore (" + notHeld
                            + "): what their peers send before it gets a reset");
                }
                killAll(dumping);
                frozenNow = false;
                clock.lap("kill");
            }
            clock.print();
            return new CheckpointResult(info.id(), processes.stream().map(ProcessEntry::pid).toList(), threadCount,
                    info.logicalBytes(), info.addedBytes(), freezeMillis, (System.nanoTime() - t0) / 1_000_000,
                    tracking.mode(), tracking.baselineId(), tracking.note(), List.copyOf(warnings));
        } finally {
            if (background != null) background.close();
            prepared.values().forEach(NativeBuffer::close);
            for (Dumping d : dumping) if (d.memory != null) d.memory.close();
            if (frozenNow) {
                // any failure, or leave-running not reached: put everything back exactly as it was
                thawAll(freezer, dumping, threads, tcp);
            }
            tcp.close(); // killed: the connections' sockets were left in repair mode, so closing sends nothing
            if (group != null) group.cgroup().thaw(); // in case the barrier failed half way
            if (!committed) progress.update("aborted", 0, 0);
        }
    }

    /**
     * The barrier: the cgroup freezer stops every task at once; each is seized and interrupted while
     * frozen (so it stops for us the moment it thaws, and any child it forks is ours too); then thawed.
     * Returns the orphans init adopted (its children other than the root), tops of trees of their own.
     */
    private static List<Integer> barrier(RunningGroup group, TreeFreezer freezer) throws IOException, InterruptedException {
        group.cgroup().freeze();
        try {
            List<Integer> members = new ArrayList<>(group.cgroup().pids());
            members.remove(Integer.valueOf(group.initPid()));
            freezer.attachFrozen(members);
            List<Integer> orphans = new ArrayList<>();
            for (int p : members) {
                ProcStat st;
                try {
                    st = StatParser.read(p);
                } catch (IOException gone) {
                    continue; // a zombie reaped meanwhile
                }
                // a dead one is init's to reap, not part of the group any more
                if (p != group.rootPid() && st.ppid() == group.initPid() && !st.isDead()) orphans.add(p);
            }
            return orphans;
        } finally {
            group.cgroup().thaw();
        }
    }

    /** Refuses processes of the group the freeze did not reach (none should be: a safety net). */
    private static void refuseStrays(RunningGroup group, TreeFreezer.FrozenTree tree) throws IOException {
        Set<Integer> inTree = new HashSet<>();
        tree.processes().forEach(p -> inTree.add(p.pid()));
        tree.zombies().forEach(z -> inTree.add(z.pid()));
        for (int p : group.cgroup().pids()) {
            if (p != group.initPid() && !inTree.contains(p)) {
                throw new UnsupportedResourceException(p, "a process of the group outside its trees",
                        "it is neither under the root nor adopted by the group's init");
            }
        }
    }

    /** Dumps one frozen process with the per-process handlers; its pages are copied out, not yet written. */
    private void dumpProcess(Dumping d, CheckpointWriter writer, GhostFiles ghosts, TreeFiles files,
                             TcpConnectionHandler tcp, ThreadHandler threads, NativeBuffer prepared, PhaseClock clock,
                             TreeTracking tracking, boolean leaveRunning, SemUndoHandler semUndo) throws Exception {
        int pid = d.frozen.pid();
        ProcStat stat = StatParser.read(pid);
        List<MapsEntry> maps = MapsParser.read(pid);
        DumpSession session = new DumpSession(d.frozen, maps, d.masks, writer, ghosts, files, tcp);
        d.session = session;
        Faults.check("inject");
        session.prepare();
        clock.lap("prepare " + pid);
        List<ThreadEntry> threadEntries = threads.dump(session, d.masks);
        SignalHandler signals = new SignalHandler();
        List<SigactionEntry> actions = signals.dumpActions(session);
        List<ItimerEntry> itimers = signals.dumpItimers(session);
        MmEntry mm = new MmHandler().dump(session);
        IdentityEntry identity = new IdentityHandler().dump(session);
        List<PosixTimerEntry> posixTimers = new PosixTimerHandler().dump(session);
        List<SemUndoEntry> semAdjustments = semUndo == null ? List.of() : semUndo.dump(session);
        tracking.of(pid).arm(session, leaveRunning);
        session.cleanUp();
        clock.lap("injected " + pid);
        Faults.check("files");
        List<FdEntry> fds = new FdTableHandler().dump(session);
        List<byte[]> sharedPending = signals.dumpSharedPending(session);
        Faults.check("memory");
        clock.lap("files+identity " + pid);
        progress.update("memory", 0, -1);
        Increment increment = tracking.of(pid).increment();
        d.memory = leaveRunning ? new MemoryHandler().capture(session, prepared, increment)
                : new MemoryHandler().layout(session, increment);
        clock.lap("memory " + pid);
        d.entry = new ProcessEntry(pid, stat.ppid(), stat.pgrp(), stat.session(), threadEntries.getFirst().comm(),
                identity, mm, d.memory.vmas(), threadEntries, fds, actions, sharedPending, itimers, MemoryHandler.blobName(pid),
                false, 0, posixTimers, semAdjustments);
    }

    /** Puts every process back as it was: scratch areas gone, registers and signal masks restored, detached. */
    private static void thawAll(TreeFreezer freezer, List<Dumping> dumping, ThreadHandler threads,
                                TcpConnectionHandler tcp) {
        tcp.leaveRepair(); // before any thread can run: the application never sees repair mode
        for (Dumping d : dumping) {
            if (d.session != null) {
                try {
                    d.session.cleanUp();
                } catch (IOException ignored) {
                    // best effort: the registers are put back by thaw anyway
                }
            }
            if (d.masks != null) threads.restoreMasks(d.frozen.tids(), d.masks);
        }
        freezer.thaw();
    }

    /** Kills the checkpointed tree and reaps what we trace (a traced thread's exit is reported to us). */
    private static void killAll(List<Dumping> dumping) {
        for (Dumping d : dumping) {
            try {
                Signals.kill(d.frozen.pid(), Signals.SIGKILL);
            } catch (IOException ignored) {
                // gone already
            }
        }
        for (Dumping d : dumping) {
            // the leader's exit is reported only after every other thread's: wait for it last
            for (int tid : d.frozen.tids().reversed()) {
                try {
                    Wait.waitpid(tid, Wait.WALL);
                } catch (IOException ignored) {
                    // already reported
                }
            }
        }
    }
}
