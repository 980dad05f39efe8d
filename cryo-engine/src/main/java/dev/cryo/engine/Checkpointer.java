package dev.cryo.engine;

import dev.cryo.engine.files.FdTableHandler;
import dev.cryo.engine.freeze.FrozenProcess;
import dev.cryo.engine.freeze.ProcessFreezer;
import dev.cryo.engine.freeze.Tracer;
import dev.cryo.engine.identity.IdentityHandler;
import dev.cryo.engine.inject.Vdso;
import dev.cryo.engine.memory.MemoryHandler;
import dev.cryo.engine.mm.MmHandler;
import dev.cryo.engine.signals.SignalHandler;
import dev.cryo.engine.threads.ThreadHandler;
import dev.cryo.image.Checkpoint;
import dev.cryo.image.codec.ImageCodec;
import dev.cryo.image.fd.FdEntry;
import dev.cryo.image.mm.MmEntry;
import dev.cryo.image.mm.VmaEntry;
import dev.cryo.image.task.IdentityEntry;
import dev.cryo.image.task.ItimerEntry;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Takes checkpoints of process trees into a store. */
public final class Checkpointer {
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
        try (Tracer tracer = new Tracer(Integer.toString(pid))) {
            return tracer.call(() -> dumpOnTracer(pid, options, t0));
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

    private CheckpointResult dumpOnTracer(int pid, CheckpointOptions options, long t0) throws Exception {
        ProcStat stat = StatParser.read(pid);
        if (stat.isDead()) throw new EngineException("checkpoint: pid " + pid + " is a zombie");
        refuseChildren(pid);
        ProcessFreezer freezer = new ProcessFreezer(pid);
        ThreadHandler threads = new ThreadHandler();
        FrozenProcess frozen = null;
        DumpSession session = null;
        long[] masks = null;
        boolean committed = false;
        MemoryHandler.Captured memory = null;
        // before the freeze: the copy buffer (and with it the first native calls, which cost most)
        NativeBuffer prepared = MemoryHandler.prepare(pid);
        try (CheckpointWriter writer = store.begin(options.compression())) {
            PhaseClock clock = new PhaseClock("checkpoint " + pid);
            Faults.check("seize");
            frozen = freezer.freeze();
            clock.lap("freeze");
            UnsupportedState.refuse(pid);
            long frozenAt = System.nanoTime();
            masks = threads.blockSignals(frozen.tids());
            List<MapsEntry> maps = MapsParser.read(pid);
            session = new DumpSession(frozen, maps, Vdso.syscallInstruction(pid, maps), writer);
            Faults.check("inject");
            session.mapScratch();
            clock.lap("prepare");
            List<ThreadEntry> threadEntries = threads.dump(session, masks);
            SignalHandler signals = new SignalHandler();
            List<SigactionEntry> actions = signals.dumpActions(session);
            List<ItimerEntry> itimers = signals.dumpItimers(session);
            MmEntry mm = new MmHandler().dump(session);
            IdentityEntry identity = new IdentityHandler().dump(session);
            session.cleanUp();
            clock.lap("injected");
            Faults.check("files");
            List<FdEntry> fds = new FdTableHandler().dump(session);
            List<byte[]> sharedPending = signals.dumpSharedPending(session);
            Faults.check("memory");
            clock.lap("files+identity");
            progress.update("memory", 0, -1);
            memory = new MemoryHandler().capture(session, prepared);
            prepared = null; // owned by memory now
            clock.lap("memory");
            long freezeMillis = (System.nanoTime() - frozenAt) / 1_000_000;
            if (options.leaveRunning()) {
                // everything is copied out: let the application go while we hash, compress and write
                threads.restoreMasks(frozen.tids(), masks);
                freezer.thaw(frozen);
                masks = null;
                frozen = null;
            }
            String memoryBlob = "mem/" + pid;
            progress.update("writing", 0, memory.bytes());
            MemoryHandler.write(memory, writer.blob(memoryBlob));
            List<VmaEntry> vmas = memory.vmas();
            clock.lap("thaw+write");
            if (!options.leaveRunning()) {
                // the application stays stopped until it is killed, once the checkpoint is safe
                freezeMillis = (System.nanoTime() - frozenAt) / 1_000_000;
            }
            ProcessEntry process = new ProcessEntry(pid, stat.ppid(), stat.pgrp(), stat.session(),
                    threadEntries.getFirst().comm(), identity, mm, vmas, threadEntries, fds, actions, sharedPending,
                    itimers, memoryBlob);
            Checkpoint checkpoint = new Checkpoint(Checkpoint.FORMAT_VERSION, System.currentTimeMillis(),
                    HostFacts.hostname(), HostFacts.kernelRelease(), HostFacts.cpu(threadEntries.getFirst().xstate()),
                    pid, List.of(process));
            Faults.check("commit");
            Map<String, String> labels = new LinkedHashMap<>();
            if (options.name() != null) labels.put("name", options.name());
            labels.put("pid", Integer.toString(pid));
            labels.put("processes", "1");
            labels.put("threads", Integer.toString(threadEntries.size()));
            labels.put("freeze_ms", Long.toString(freezeMillis));
            labels.put("comm", process.comm());
            CheckpointInfo info = writer.commit(ImageCodec.encode(checkpoint), labels);
            committed = true;
            clock.lap("commit");
            clock.print();
            if (!options.leaveRunning()) {
                Signals.kill(pid, Signals.SIGKILL);
                // the leader's exit is reported only after every other thread's: wait for it last
                for (int tid : frozen.tids().reversed()) {
                    try {
                        Wait.waitpid(tid, Wait.WALL);
                    } catch (IOException ignored) {
                        // already reported
                    }
                }
                frozen = null;
            }
            return new CheckpointResult(info.id(), List.of(pid), threadEntries.size(), info.logicalBytes(),
                    info.addedBytes(), freezeMillis, (System.nanoTime() - t0) / 1_000_000);
        } finally {
            if (prepared != null) prepared.close();
            if (memory != null) memory.close();
            if (frozen != null) {
                // any failure, or leave-running not reached: put everything back exactly as it was
                if (session != null) {
                    try {
                        session.cleanUp();
                    } catch (IOException ignored) {
                        // best effort: the registers are put back by thaw anyway
                    }
                }
                threads.restoreMasks(frozen.tids(), masks);
                freezer.thaw(frozen);
            }
            if (!committed) progress.update("aborted", 0, 0);
        }
    }

    private static void refuseChildren(int pid) throws IOException, EngineException {
        for (Path task : Files.newDirectoryStream(Path.of("/proc/" + pid + "/task"))) {
            String children = Files.readString(task.resolve("children")).strip();
            if (!children.isEmpty()) {
                throw new EngineException("checkpoint: pid " + pid + " has child processes (" + children
                        + "): process trees are not supported yet, only single processes with their threads");
            }
        }
    }
}
