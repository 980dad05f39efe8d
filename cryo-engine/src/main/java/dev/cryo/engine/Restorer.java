package dev.cryo.engine;

import dev.cryo.engine.files.FdTableHandler;
import dev.cryo.engine.files.SharedPipes;
import dev.cryo.engine.freeze.Tracer;
import dev.cryo.engine.identity.IdentityHandler;
import dev.cryo.engine.ipc.SemUndoHandler;
import dev.cryo.engine.ipc.SysvIpcHandler;
import dev.cryo.engine.inject.SyscallInjector;
import dev.cryo.engine.inject.Vdso;
import dev.cryo.engine.memory.MemoryHandler;
import dev.cryo.engine.mm.MmHandler;
import dev.cryo.engine.restore.GhostFileRestorer;
import dev.cryo.engine.restore.PidInUseException;
import dev.cryo.engine.restore.Stub;
import dev.cryo.engine.signals.SignalHandler;
import dev.cryo.engine.sockets.ConnectionHolder;
import dev.cryo.engine.sockets.TcpConnectionHandler;
import dev.cryo.engine.sockets.UnixSocketHandler;
import dev.cryo.engine.threads.ThreadHandler;
import dev.cryo.engine.timers.PosixTimerHandler;
import dev.cryo.image.Checkpoint;
import dev.cryo.image.codec.ImageCodec;
import dev.cryo.image.codec.ImageFormatException;
import dev.cryo.image.mm.VmaEntry;
import dev.cryo.image.task.ProcessEntry;
import dev.cryo.linux.mem.NativeBuffer;
import dev.cryo.linux.proc.MapsEntry;
import dev.cryo.linux.proc.MapsParser;
import dev.cryo.linux.process.Signals;
import dev.cryo.linux.ptrace.Ptrace;
import dev.cryo.linux.ptrace.UserRegs;
import dev.cryo.linux.ptrace.Wait;
import dev.cryo.linux.ptrace.WaitStatus;
import dev.cryo.linux.syscall.SysNr;
import dev.cryo.store.BlobReader;
import dev.cryo.store.CheckpointReader;
import dev.cryo.store.PageMap;
import dev.cryo.store.Store;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Restores checkpoints from a store. */
public final class Restorer {
    private static final long MAP_PRIVATE_ANON = 0x22, MAP_FIXED_NOREPLACE = 0x100000;

    private final Store store;
    private final Progress progress;
    /** Time spent putting memory in place while shaping (all processes), for CRYO_TIMINGS. */
    private long memoryNanos;
    /** Bytes of memory placed with UFFDIO_COPY and written with process_vm_writev (all processes), for CRYO_TIMINGS. */
    private long placedBytes, writtenBytes;

    public Restorer(Store store, Progress progress) {
        this.store = store;
        this.progress = progress;
    }

    /**
     * Restores the checkpoint {@code ref} (id, prefix or name). The image and all its data are read and
     * verified before any process is created.
     */
    public Restoration restore(String ref, RestoreOptions options) throws EngineException {
        long t0 = System.nanoTime();
        PhaseClock clock = new PhaseClock("restore " + ref);
        memoryNanos = 0;
        placedBytes = writtenBytes = 0;
        Checkpoint image;
        Map<Integer, PageMap> pages = new LinkedHashMap<>();
        GhostFileRestorer ghosts = null;
        SharedPipes pipes = new SharedPipes();
        try (CheckpointReader checkpoint = store.open(ref)) {
            clock.lap("open");
            try {
                image = ImageCodec.decode(checkpoint.metadata());
                clock.lap("decode");
            } catch (ImageFormatException e) {
                throw new EngineException("restore: checkpoint " + checkpoint.info().id() + ": " + e.getMessage(), e);
            }
            ImageCheck.verify(image);
            clock.lap("verify");
            List<ProcessEntry> live = image.processes().stream().filter(p -> !p.zombie()).toList();
            progress.update("loading", 0, -1);
            for (ProcessEntry p : live) pages.put(p.pid(), load(checkpoint.blob(p.memoryBlob()), p));
            ghosts = GhostFileRestorer.create(checkpoint, image.processes());
            clock.lap("load");
            List<String> warnings = new ArrayList<>();
            Stub stub = launchStub(image, options, warnings);
            Faults.point();
            clock.lap("stub");
            List<RestoreSession> sessions = new ArrayList<>();
            try (Tracer tracer = new Tracer("restore-" + image.rootPid())) {
                Map<Integer, Boolean> zombies = new LinkedHashMap<>();
                for (ProcessEntry p : image.processes()) zombies.put(p.pid(), p.zombie());
                Map<Integer, Integer> outer = stub.awaitTree(zombies);
                // a group's SysV objects, before its processes attach them
                new SysvIpcHandler().restore(image.ipc(), outer.get(image.rootPid()), checkpoint);
                for (ProcessEntry p : live) {
                    sessions.add(new RestoreSession(p, outer.get(p.pid()), pages.get(p.pid()), options, ghosts.paths(),
                            image, pipes));
                }
                warnings.forEach(sessions.getFirst()::warn);
                GhostFileRestorer unlinkBeforeResume = ghosts;
                // the connections held since the checkpoint killed the tree go just before they are made again
                ConnectionHolder.release(checkpoint.info().id());
                tracer.call(() -> {
                    shapeAll(sessions, unlinkBeforeResume);
                    return null;
                });
            } catch (Exception e) {
                stub.kill();
                throw e;
            }
            clock.lap("shape");
            clock.part("memory", memoryNanos);
            clock.note("pages-placed=" + placedBytes / 1024 + "KiB pages-written=" + writtenBytes / 1024 + "KiB");
            clock.print();
            Restoration.ExitWaiter exit = options.detach() ? null : stub::awaitExit;
            List<String> allWarnings = sessions.stream().flatMap(s -> s.warnings().stream()).toList();
            return new Restoration(stub.pid(), sessions.stream().map(RestoreSession::outerPid).toList(),
                    (System.nanoTime() - t0) / 1_000_000, allWarnings, exit);
        } catch (EngineException e) {
            throw e;
        } catch (Exception e) {
            throw new EngineException("restore: " + e.getMessage(), e);
        } finally {
            if (ghosts != null) ghosts.unlinkAll();
            pages.values().forEach(PageMap::close);
        }
    }

    /**
     * Shapes every stub of the tree (parents first: a pipe shared with a child is created by the parent),
     * moves processes into their groups, and lets them all go only when every one is ready.
     */
    private void shapeAll(List<RestoreSession> sessions, GhostFileRestorer ghosts) throws Exception {
        for (RestoreSession s : sessions) prepare(s);
        Set<Integer> pids = new HashSet<>();
        for (ProcessEntry p : sessions.getFirst().checkpoint().processes()) pids.add(p.pid());
        for (RestoreSession s : sessions) {
            if (TreeShape.joinsGroup(s.image(), pids)) {
                s.main().call("setpgid " + s.image().pgid(), SysNr.SETPGID, 0, s.image().pgid(), 0);
            }
        }
        for (RestoreSession s : sessions) shape(s);
        UnixSocketHandler.connectAcrossProcesses(sessions); // every process has bound its sockets by now
        UnixSocketHandler.requeueFromSenders(sessions); // and connected them: datagrams from bound senders
        TcpConnectionHandler.finish(sessions); // both ends of a connection inside the tree exist now
        sessions.getFirst().pipes().release();
        ghosts.unlinkAll(); // every descriptor and mapping holds them now: deleted again, as they were
        new SysvIpcHandler().finish(sessions.getFirst().checkpoint().ipc(), sessions.getFirst().outerPid()); // likewise
        ThreadHandler threads = new ThreadHandler();
        for (RestoreSession s : sessions) threads.finish(s);
    }

    /**
     * Maps the whole memory blob, every chunk hash-checked by the store (where it lies: no copy), so that a
     * damaged image is refused before any process exists and shaping copies each page once.
     */
    private static PageMap load(BlobReader blob, ProcessEntry process) throws IOException, EngineException {
        long expected = 0;
        for (VmaEntry v : process.vmas()) expected += v.dumpedPages() * NativeBuffer.PAGE;
        if (blob.size() != expected) {
            throw new EngineException("restore: pid " + process.pid() + ": memory data is " + blob.size()
                    + " bytes, the image expects " + expected);
        }
        return blob.map();
    }

    /** Holds the stopped stub at its exec and maps the scratch area the injected calls run from. */
    private static void prepare(RestoreSession s) throws Exception {
        int pid = s.outerPid();
        // from here on the stub dies with cryo, whenever that happens (EXITKILL, inherited by the threads it clones)
        Ptrace.seize(pid, Ptrace.O_TRACESYSGOOD | Ptrace.O_TRACEEXEC | Ptrace.O_TRACECLONE | Ptrace.O_EXITKILL);
        Faults.point();
        Signals.kill(pid, Signals.SIGCONT);
        holdAtExec(pid);
        Ptrace.setSigmask(pid, -1L); // no signal handler may run while the process is half made
        UserRegs regs = Ptrace.getRegs(pid);
        List<MapsEntry> stubMaps = MapsParser.read(pid);
        long scratch = freeRange(s.image().vmas(), stubMaps, RestoreSession.SCRATCH_SIZE, 0x100000000L);
        SyscallInjector main = new SyscallInjector(pid, regs, Vdso.syscallInstruction(pid, stubMaps),
                SyscallInjector.Mode.SYSCALL_STOPS);
        long at = main.call("mmap scratch", SysNr.MMAP, scratch, RestoreSession.SCRATCH_SIZE, 7,
                MAP_PRIVATE_ANON | MAP_FIXED_NOREPLACE, -1, 0);
        if (at != scratch) throw new IOException("scratch area placed at 0x" + Long.toHexString(at));
        s.scratch(scratch);
        s.memory().write(scratch, new byte[] {0x0f, 0x05, (byte) 0xcc, (byte) 0xcc}); // syscall; int3
        main.use(scratch, SyscallInjector.Mode.INT3);
        s.putMainInjector(main);
    }

    /** Turns a prepared stub into its checkpointed process, all but letting it go. Runs on the tracer thread. */
    private void shape(RestoreSession s) throws Exception {
        List<MapsEntry> stubMaps = MapsParser.read(s.outerPid());
        long temp = freeRange(s.image().vmas(), stubMaps, MemoryHandler.TEMP_SIZE, s.scratch() + 0x10000000L);
        progress.update("memory", 0, -1);
        long t0 = System.nanoTime();
        MemoryHandler.PagesIn in = new MemoryHandler().restore(s, stubMaps, temp);
        memoryNanos += System.nanoTime() - t0;
        placedBytes += in.placed();
        writtenBytes += in.written();
        Faults.point();
        new MmHandler().restore(s);
        IdentityHandler identity = new IdentityHandler();
        identity.restore(s);
        Faults.point();
        new FdTableHandler().restore(s);
        Faults.point();
        SignalHandler signals = new SignalHandler();
        signals.restoreActions(s);
        ThreadHandler threads = new ThreadHandler();
        threads.createThreads(s);
        Faults.point();
        threads.restoreState(s);
        signals.restorePending(s);
        SemUndoHandler.restore(s); // while the process still has root's credentials
        identity.restoreCredentials(s);
        signals.restoreItimers(s);
        new PosixTimerHandler().restore(s); // after the threads: a timer may signal one of them
        Faults.point();
    }

    /**
     * The stubs with the recorded PIDs: in our PID namespace when they are all free (--pidns host, or
     * auto), else (auto, or --pidns new) in a new PID namespace of their own, where none can be taken.
     */
    private Stub launchStub(Checkpoint image, RestoreOptions options, List<String> warnings)
            throws EngineException, IOException, InterruptedException {
        List<String> spec = TreeShape.stubSpec(image.processes());
        if (options.cgroupProcs() != null) {
            return Stub.launch(helper(), spec, options.detach(), true, options.cgroupProcs());
        }
        if (TreeShape.hasOrphans(image.processes())) {
            // processes adopted by the group's init come back as children of a new one
            if (options.pidns() == RestoreOptions.PidNamespaceMode.HOST) {
                throw new EngineException("restore: the checkpoint holds processes adopted by its group's init:"
                        + " they can only come back in a PID namespace of their own (not with --pidns host)");
            }
            return Stub.launch(helper(), spec, options.detach(), true);
        }
        if (options.pidns() == RestoreOptions.PidNamespaceMode.NEW) {
            return Stub.launch(helper(), spec, options.detach(), true);
        }
        int taken = Stub.takenPid(helper(), image.processes().stream().map(ProcessEntry::pid).toList());
        try {
            if (taken > 0) throw new PidInUseException(taken, Stub.holderOf(taken));
            return Stub.launch(helper(), spec, options.detach(), false);
        } catch (PidInUseException e) {
            if (options.pidns() == RestoreOptions.PidNamespaceMode.HOST) throw e;
            int pid = taken > 0 ? taken : image.rootPid();
            Stub stub = Stub.launch(helper(), spec, options.detach(), true);
            warnings.add("PID " + pid + " is in use here: restored in a new PID namespace, where it is "
                    + pid + " (the root is PID " + stub.pid() + " from outside)");
            return stub;
        }
    }

    /** Lets the stub run into its execve and stops it at the syscall's exit, before any of its code runs. */
    private static void holdAtExec(int pid) throws IOException {
        for (;;) {
            WaitStatus st = Wait.waitpid(pid, Wait.WALL);
            if (st.gone()) throw new IOException("the restore stub died: " + st);
            if (st.event() == Ptrace.EVENT_EXEC) break;
            int sig = st.stopSignal();
            boolean suppress = st.event() != 0 || sig == Signals.SIGSTOP || sig == Signals.SIGTRAP;
            Ptrace.cont(pid, suppress ? 0 : sig);
        }
        // the exec event is reported inside execve: step to its exit first, or the first injected call reads -ENOSYS
        Ptrace.syscall(pid, 0);
        WaitStatus st = Wait.waitpid(pid, Wait.WALL);
        if (st.stopSignal() != (Signals.SIGTRAP | 0x80)) throw new IOException("the restore stub did not stop at execve's exit: " + st);
    }

    /** An address range of {@code size} free in both the image's layout and the stub's, at or above {@code from}. */
    private static long freeRange(List<VmaEntry> image, List<MapsEntry> stub, long size, long from) throws IOException {
        for (long candidate = from; candidate < 0x7f0000000000L; candidate += 0x100000000L) {
            long a = candidate, end = a + size;
            boolean free = image.stream().noneMatch(v -> v.start() < end && a < v.end())
                    && stub.stream().noneMatch(m -> m.start() < end && a < m.end());
            if (free) return a;
        }
        throw new IOException("no address range free in both the image and the stub");
    }

    private static Path helper() throws EngineException {
        return HelperBinary.path("restore");
    }
}
