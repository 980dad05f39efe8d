package dev.cryo.engine;

import dev.cryo.engine.inject.SyscallInjector;
import dev.cryo.image.task.ProcessEntry;
import dev.cryo.linux.mem.RemoteMemory;
import dev.cryo.linux.ptrace.Ptrace;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the handlers share while a stub is shaped into a checkpointed process: the stub's threads (each
 * with its injector), a scratch area inside it holding {@code syscall; int3} and room for the arguments
 * of injected calls, the process's image and its loaded memory.
 */
public final class RestoreSession {
    /** Scratch layout: code at 0, arguments from ARGS (bump-allocated per call), a clone stack at the end. */
    public static final int SCRATCH_SIZE = 64 * 1024, ARGS = 4096, ARGS_END = 48 * 1024, STACK_TOP = SCRATCH_SIZE - 64;

    private final ProcessEntry image;
    private final RemoteMemory memory;
    private final dev.cryo.store.PageMap pages;
    private final RestoreOptions options;
    /** Keyed by the recorded TID; each injector works on the thread's TID as seen from our namespace. */
    private final Map<Integer, SyscallInjector> injectors = new LinkedHashMap<>();
    private final Map<Integer, Integer> outerTids = new java.util.HashMap<>();
    private final int outerPid;
    private final Map<String, String> ghostPaths;
    private final java.util.List<String> warnings = new java.util.ArrayList<>();
    private long scratch;
    private int argTop = ARGS;

    private final dev.cryo.image.Checkpoint checkpoint;
    private final dev.cryo.engine.files.SharedPipes pipes;

    RestoreSession(ProcessEntry image, int outerPid, dev.cryo.store.PageMap pages, RestoreOptions options,
                   Map<String, String> ghostPaths, dev.cryo.image.Checkpoint checkpoint,
                   dev.cryo.engine.files.SharedPipes pipes) {
        this.checkpoint = checkpoint;
        this.pipes = pipes;
        this.image = image;
        this.outerPid = outerPid;
        this.outerTids.put(image.pid(), outerPid);
        this.memory = new RemoteMemory(outerPid);
        this.pages = pages;
        this.options = options;
        this.ghostPaths = ghostPaths;
    }

    /** The recorded PID: what the process sees as its own, and what injected calls must use. */
    public int pid() {
        return image.pid();
    }

    /**
     * The process as seen from cryo's PID namespace, for ptrace, /proc and process_vm_*: the same as
     * {@link #pid()} unless it was restored into a new PID namespace.
     */
    public int outerPid() {
        return outerPid;
    }

    /** A recorded TID as seen from cryo's namespace. */
    public int outer(int recordedTid) {
        Integer t = outerTids.get(recordedTid);
        if (t == null) throw new IllegalStateException("thread " + recordedTid + " has not been created");
        return t;
    }

    public ProcessEntry image() {
        return image;
    }

    /** The whole checkpoint: every process of the tree. */
    public dev.cryo.image.Checkpoint checkpoint() {
        return checkpoint;
    }

    /** Pipes already re-created by another process of the tree, to be shared rather than made again. */
    public dev.cryo.engine.files.SharedPipes pipes() {
        return pipes;
    }

    public RemoteMemory memory() {
        return memory;
    }

    /** The process's dumped pages, verified, in the order of its memory blob. */
    public dev.cryo.store.PageMap pages() {
        return pages;
    }

    public RestoreOptions options() {
        return options;
    }

    /** Where the re-created file for a ghost blob lives until every task has opened or mapped it. */
    public String ghostPath(String blob) {
        return ghostPaths.get(blob);
    }

    public long scratch() {
        return scratch;
    }

    void scratch(long address) {
        this.scratch = address;
    }

    public SyscallInjector injector(int tid) {
        return injectors.get(tid);
    }

    /** Registers a new thread ready for injection, starting from its current registers, using the scratch code. */
    public SyscallInjector adopt(int recordedTid, int outerTid) throws IOException {
        SyscallInjector inj = new SyscallInjector(outerTid, Ptrace.getRegs(outerTid), scratch, SyscallInjector.Mode.INT3);
        injectors.put(recordedTid, inj);
        outerTids.put(recordedTid, outerTid);
        return inj;
    }

    void putMainInjector(SyscallInjector injector) {
        injectors.put(pid(), injector);
    }

    public Iterable<SyscallInjector> injectors() {
        return injectors.values();
    }

    public SyscallInjector main() {
        return injectors.get(pid());
    }

    /** Copies bytes into the argument area and returns their address (valid until {@link #resetArgs}). */
    public long put(byte[] bytes) throws IOException {
        int at = (argTop + 15) & ~15;
        if (at + bytes.length > ARGS_END) throw new IOException("restore: scratch argument area full");
        memory.write(scratch + at, bytes);
        argTop = at + bytes.length;
        return scratch + at;
    }

    /** A NUL-terminated string in the argument area. */
    public long putString(String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        byte[] z = new byte[b.length + 1];
        System.arraycopy(b, 0, z, 0, b.length);
        return put(z);
    }

    /** Something the user should know about the restored process, though the restore succeeded. */
    public void warn(String warning) {
        warnings.add(warning);
    }

    public java.util.List<String> warnings() {
        return java.util.List.copyOf(warnings);
    }

    public void resetArgs() {
        argTop = ARGS;
    }
}
