package dev.cryo.engine;

import dev.cryo.engine.freeze.FrozenProcess;
import dev.cryo.engine.inject.SyscallInjector;
import dev.cryo.linux.mem.RemoteMemory;
import dev.cryo.linux.proc.MapsEntry;
import dev.cryo.store.CheckpointWriter;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the handlers share while one frozen process is dumped: its threads, its memory, a scratch area
 * mapped inside it for the results of injected calls, and the checkpoint being written.
 */
public final class DumpSession {
    private final FrozenProcess process;
    private final List<MapsEntry> maps;
    private final RemoteMemory memory;
    private final CheckpointWriter writer;
    private final long syscallInstruction;
    private final Map<Integer, SyscallInjector> injectors = new LinkedHashMap<>();
    private final GhostFiles ghosts;
    private long scratch;

    private final TreeFiles tree;

    DumpSession(FrozenProcess process, List<MapsEntry> maps, long syscallInstruction, CheckpointWriter writer,
                GhostFiles ghosts, TreeFiles tree) {
        this.process = process;
        this.maps = maps;
        this.memory = new RemoteMemory(process.pid());
        this.writer = writer;
        this.syscallInstruction = syscallInstruction;
        this.ghosts = ghosts;
        this.tree = tree;
    }

    /** The descriptors of every process of the tree: who else holds an object this process holds. */
    public TreeFiles tree() {
        return tree;
    }

    /** Contents of deleted files the process still has open or mapped. */
    public GhostFiles ghosts() {
        return ghosts;
    }

    public int pid() {
        return process.pid();
    }

    public FrozenProcess process() {
        return process;
    }

    /** The memory areas as they were before any injection (the scratch area is not among them). */
    public List<MapsEntry> maps() {
        return maps;
    }

    public RemoteMemory memory() {
        return memory;
    }

    public CheckpointWriter writer() {
        return writer;
    }

    /** An injector for a thread, starting from the registers it was frozen with. */
    public SyscallInjector injector(int tid) {
        return injectors.computeIfAbsent(tid, t -> new SyscallInjector(t, process.registers().get(t),
                syscallInstruction, SyscallInjector.Mode.SYSCALL_STOPS));
    }

    /** Address of a {@link #SCRATCH_SIZE} read-write area inside the process, for injected calls' results. */
    public long scratch() {
        return scratch;
    }

    public static final int SCRATCH_SIZE = 4 * 4096;

    void mapScratch() throws IOException {
        scratch = injector(pid()).call("mmap scratch", dev.cryo.linux.syscall.SysNr.MMAP, 0, SCRATCH_SIZE,
                3 /* PROT_READ|PROT_WRITE */, 0x22 /* MAP_PRIVATE|MAP_ANONYMOUS */, -1, 0);
    }

    /** Unmaps the scratch area and puts every thread's registers back as they were. */
    void cleanUp() throws IOException {
        if (scratch != 0) {
            injector(pid()).call("munmap scratch", dev.cryo.linux.syscall.SysNr.MUNMAP, scratch, SCRATCH_SIZE, 0);
            scratch = 0;
        }
        for (SyscallInjector i : injectors.values()) i.restoreRegisters();
    }
}
