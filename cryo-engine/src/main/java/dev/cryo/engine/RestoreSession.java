package dev.cryo.engine;

import dev.cryo.engine.inject.SyscallInjector;
import dev.cryo.image.task.ProcessEntry;
import dev.cryo.linux.mem.NativeBuffer;
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
    private final NativeBuffer pages;
    private final RestoreOptions options;
    private final Map<Integer, SyscallInjector> injectors = new LinkedHashMap<>();
    private final Map<String, String> ghostPaths;
    private final java.util.List<String> warnings = new java.util.ArrayList<>();
    private long scratch;
    private int argTop = ARGS;

    RestoreSession(ProcessEntry image, NativeBuffer pages, RestoreOptions options, Map<String, String> ghostPaths) {
        this.image = image;
        this.memory = new RemoteMemory(image.pid());
        this.pages = pages;
        this.options = options;
        this.ghostPaths = ghostPaths;
    }

    public int pid() {
        return image.pid();
    }

    public ProcessEntry image() {
        return image;
    }

    public RemoteMemory memory() {
        return memory;
    }

    /** The process's dumped pages, back to back as in its memory blob. */
    public NativeBuffer pages() {
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

    /** Registers a thread ready for injection, starting from its current registers, using the scratch code. */
    public SyscallInjector adopt(int tid) throws IOException {
        SyscallInjector inj = new SyscallInjector(tid, Ptrace.getRegs(tid), scratch, SyscallInjector.Mode.INT3);
        injectors.put(tid, inj);
        return inj;
    }

    void putInjector(SyscallInjector injector) {
        injectors.put(injector.tid(), injector);
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
