package dev.cryo.engine;

import dev.cryo.engine.freeze.FrozenProcess;
import dev.cryo.engine.inject.SyscallInjector;
import dev.cryo.engine.inject.ThreadInjection;
import dev.cryo.engine.inject.Trampoline;
import dev.cryo.engine.sockets.TcpConnectionHandler;
import dev.cryo.linux.mem.RemoteMemory;
import dev.cryo.linux.proc.MapsEntry;
import dev.cryo.store.CheckpointWriter;

import java.io.IOException;
import java.util.List;

/**
 * What the handlers share while one frozen process is dumped: its threads, its memory, the thread being
 * injected into (one at a time, see {@link ThreadInjection}: every other thread sits in its ptrace stop
 * exactly as it was frozen), and the checkpoint being written.
 */
public final class DumpSession {
    private final FrozenProcess process;
    private final List<MapsEntry> maps;
    private final long[] masks;
    private final RemoteMemory memory;
    private final CheckpointWriter writer;
    private final GhostFiles ghosts;
    private Trampoline trampoline;
    private ThreadInjection active;

    private final TreeFiles tree;
    private final TcpConnectionHandler tcp;

    /** @param masks each thread's signal mask as frozen, in the order of {@code process.tids()} */
    DumpSession(FrozenProcess process, List<MapsEntry> maps, long[] masks, CheckpointWriter writer,
                GhostFiles ghosts, TreeFiles tree, TcpConnectionHandler tcp) {
        this.tcp = tcp;
        this.process = process;
        this.maps = maps;
        this.masks = masks;
        this.memory = new RemoteMemory(process.pid());
        this.writer = writer;
        this.ghosts = ghosts;
        this.tree = tree;
    }

    /** The descriptors of every process of the tree: who else holds an object this process holds. */
    public TreeFiles tree() {
        return tree;
    }

    /** The TCP connections of the whole checkpoint: those it put in repair mode, those already read. */
    public TcpConnectionHandler tcp() {
        return tcp;
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

    /** The memory areas as they were before any injection. */
    public List<MapsEntry> maps() {
        return maps;
    }

    public RemoteMemory memory() {
        return memory;
    }

    public CheckpointWriter writer() {
        return writer;
    }

    /**
     * An injector for a thread. The thread that was injected into before is given back its registers and
     * mask first: only one thread at a time is away from the state it was frozen in.
     */
    public SyscallInjector injector(int tid) throws IOException {
        if (active != null && active.tid() == tid) return active.injector();
        if (trampoline == null) throw new IllegalStateException("injection outside of prepare() .. cleanUp()");
        closeActive();
        int i = process.tids().indexOf(tid);
        if (i < 0) throw new IllegalArgumentException("thread " + tid + " is not one of pid " + pid() + "'s");
        active = ThreadInjection.open(tid, process.registers().get(tid), masks[i], trampoline, memory);
        return active.injector();
    }

    /**
     * Address of {@link #SCRATCH_SIZE} bytes inside the process where the calls injected into the thread of
     * the last {@link #injector} may write their results.
     */
    public long scratch() {
        if (active == null) throw new IllegalStateException("no thread is being injected into");
        return active.results();
    }

    public static final int SCRATCH_SIZE = ThreadInjection.RESULTS_SIZE;

    /** Address of the thread's {@code stack_t} (its alternate signal stack), read when its injection began. */
    public long altstack() {
        if (active == null) throw new IllegalStateException("no thread is being injected into");
        return active.altstack();
    }

    /** Places the injection code; every thread stays as it was until {@link #injector} is asked for. */
    void prepare() throws IOException {
        trampoline = Trampoline.install(pid(), maps);
        Faults.point();
    }

    /** Puts the last injected thread back as it was and removes the injection code. */
    void cleanUp() throws IOException {
        closeActive();
        if (trampoline != null) {
            trampoline.remove();
            trampoline = null;
            Faults.point();
        }
    }

    private void closeActive() throws IOException {
        if (active != null) {
            ThreadInjection t = active;
            active = null;
            t.close();
        }
    }
}
