package dev.cryo.engine;

import dev.cryo.engine.files.FdTableHandler;
import dev.cryo.engine.freeze.Tracer;
import dev.cryo.engine.identity.IdentityHandler;
import dev.cryo.engine.inject.SyscallInjector;
import dev.cryo.engine.inject.Vdso;
import dev.cryo.engine.memory.MemoryHandler;
import dev.cryo.engine.mm.MmHandler;
import dev.cryo.engine.restore.GhostFileRestorer;
import dev.cryo.engine.restore.PidInUseException;
import dev.cryo.engine.restore.Stub;
import dev.cryo.engine.signals.SignalHandler;
import dev.cryo.engine.threads.ThreadHandler;
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
import dev.cryo.store.Store;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** Restores checkpoints from a store. */
public final class Restorer {
    private static final long MAP_PRIVATE_ANON = 0x22, MAP_FIXED_NOREPLACE = 0x100000;
    private static final int LOAD_CHUNK = 64 << 20;

    private final Store store;
    private final Progress progress;

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
        Checkpoint image;
        NativeBuffer pages = null;
        GhostFileRestorer ghosts = null;
        RestoreSession session;
        try (CheckpointReader checkpoint = store.open(ref)) {
            clock.lap("open");
            try {
                image = ImageCodec.decode(checkpoint.metadata());
                clock.lap("decode");
            } catch (ImageFormatException e) {
                throw new EngineException("restore: checkpoint " + checkpoint.info().id() + ": " + e.getMessage(), e);
            }
            if (image.processes().size() != 1) {
                throw new EngineException("restore: checkpoints of several processes are not supported yet");
            }
            ImageCheck.verify(image);
            clock.lap("verify");
            ProcessEntry process = image.root();
            progress.update("loading", 0, -1);
            pages = load(checkpoint.blob(process.memoryBlob()), process);
            ghosts = GhostFileRestorer.create(checkpoint, process);
            clock.lap("load");
            List<String> warnings = new java.util.ArrayList<>();
            Stub stub = launchStub(process, options, warnings);
            clock.lap("stub");
            try (Tracer tracer = new Tracer("restore-" + process.pid())) {
                session = new RestoreSession(process, stub.pid(), pages, options, ghosts.paths());
                warnings.forEach(session::warn);
                RestoreSession shaped = session;
                GhostFileRestorer unlinkBeforeResume = ghosts;
                tracer.call(() -> {
                    shape(stub, shaped, unlinkBeforeResume);
                    return null;
                });
            } catch (Exception e) {
                stub.kill();
                throw e;
            }
            clock.lap("shape");
            clock.print();
            Restoration.ExitWaiter exit = options.detach() ? null : stub::awaitExit;
            return new Restoration(stub.pid(), List.of(stub.pid()), (System.nanoTime() - t0) / 1_000_000,
                    session.warnings(), exit);
        } catch (EngineException e) {
            throw e;
        } catch (Exception e) {
            throw new EngineException("restore: " + e.getMessage(), e);
        } finally {
            if (ghosts != null) ghosts.unlinkAll();
            if (pages != null) pages.close();
        }
    }

    /** Reads the whole memory blob (every chunk hash-checked by the store) into one native buffer. */
    private static NativeBuffer load(BlobReader blob, ProcessEntry process) throws IOException, EngineException {
        long expected = 0;
        for (VmaEntry v : process.vmas()) expected += v.dumpedPages() * NativeBuffer.PAGE;
        if (blob.size() != expected) {
            throw new EngineException("restore: pid " + process.pid() + ": memory data is " + blob.size()
                    + " bytes, the image expects " + expected);
        }
        NativeBuffer buf = NativeBuffer.map(expected);
        try {
            for (long off = 0; off < expected; off += LOAD_CHUNK) {
                int n = (int) Math.min(LOAD_CHUNK, expected - off);
                blob.read(off, buf.view(off, n));
            }
            return buf;
        } catch (IOException | RuntimeException e) {
            buf.close();
            throw e;
        }
    }

    /** Turns the stopped stub into the checkpointed process. Runs on the stub's tracer thread. */
    private void shape(Stub stub, RestoreSession s, GhostFileRestorer ghosts) throws Exception {
        int pid = stub.pid();
        stub.awaitStopped();
        Ptrace.seize(pid, Ptrace.O_TRACESYSGOOD | Ptrace.O_TRACEEXEC | Ptrace.O_TRACECLONE | Ptrace.O_EXITKILL);
        Signals.kill(pid, Signals.SIGCONT);
        holdAtExec(pid);
        Ptrace.setSigmask(pid, -1L); // no signal handler may run while the process is half made
        UserRegs regs = Ptrace.getRegs(pid);
        List<MapsEntry> stubMaps = MapsParser.read(pid);
        long scratch = freeRange(s.image().vmas(), stubMaps, RestoreSession.SCRATCH_SIZE, 0x100000000L);
        long temp = freeRange(s.image().vmas(), stubMaps, MemoryHandler.TEMP_SIZE, scratch + 0x10000000L);

        SyscallInjector main = new SyscallInjector(pid, regs, Vdso.syscallInstruction(pid, stubMaps),
                SyscallInjector.Mode.SYSCALL_STOPS);
        long at = main.call("mmap scratch", SysNr.MMAP, scratch, RestoreSession.SCRATCH_SIZE, 7,
                MAP_PRIVATE_ANON | MAP_FIXED_NOREPLACE, -1, 0);
        if (at != scratch) throw new IOException("scratch area placed at 0x" + Long.toHexString(at));
        s.scratch(scratch);
        s.memory().write(scratch, new byte[] {0x0f, 0x05, (byte) 0xcc, (byte) 0xcc}); // syscall; int3
        main.use(scratch, SyscallInjector.Mode.INT3);
        s.putMainInjector(main);

        progress.update("memory", 0, -1);
        new MemoryHandler().restore(s, MapsParser.read(pid), temp);
        new MmHandler().restore(s);
        IdentityHandler identity = new IdentityHandler();
        identity.restore(s);
        new FdTableHandler().restore(s);
        SignalHandler signals = new SignalHandler();
        signals.restoreActions(s);
        ThreadHandler threads = new ThreadHandler();
        threads.createThreads(s);
        threads.restoreState(s);
        signals.restorePending(s);
        identity.restoreCredentials(s);
        signals.restoreItimers(s);
        ghosts.unlinkAll(); // every descriptor and mapping holds them now: deleted again, as they were
        threads.finish(s);
    }

    /**
     * The stub with the recorded PID: in our PID namespace when it is free (--pidns host, or auto), else
     * (auto, or --pidns new) in a new PID namespace of its own, where the PID cannot be taken.
     */
    private Stub launchStub(ProcessEntry process, RestoreOptions options, List<String> warnings)
            throws EngineException, IOException, InterruptedException {
        boolean leader = process.sid() == process.pid();
        if (options.pidns() == RestoreOptions.PidNamespaceMode.NEW) {
            return Stub.launchInNewNamespace(helper(), process.pid(), leader, options.detach());
        }
        try {
            return Stub.launch(helper(), process.pid(), leader, options.detach());
        } catch (PidInUseException e) {
            if (options.pidns() == RestoreOptions.PidNamespaceMode.HOST) throw e;
            Stub stub = Stub.launchInNewNamespace(helper(), process.pid(), leader, options.detach());
            warnings.add("PID " + process.pid() + " is in use here: restored in a new PID namespace, where it is "
                    + process.pid() + " (PID " + stub.pid() + " from outside)");
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
