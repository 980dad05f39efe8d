package dev.cryo.engine.inject;

import dev.cryo.linux.mem.RemoteMemory;
import dev.cryo.linux.proc.MapsEntry;
import dev.cryo.linux.ptrace.Ptrace;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;

/**
 * The code every call injected while dumping runs: {@code syscall; mov eax, 15; syscall}. With cryo alive a
 * thread never gets past the first {@code syscall}: it is stopped at the call's exit and given its next call
 * or its own registers. If cryo dies, the kernel lets the thread run on, and the second {@code syscall} is
 * rt_sigreturn from the frame {@link ThreadInjection} put on the thread's stack: the thread gets its own
 * registers and signal mask back in one step and goes on where it was stopped.
 *
 * <p>The code sits in the zero padding between the end of the vdso's ELF image and the end of its mapping:
 * bytes that no code ever jumps to, so nothing else can run it, and no mapping has to be created in the
 * process (an mmap'd scratch page could not be unmapped by a thread left on its own). It is written with
 * PTRACE_POKEDATA, as a debugger sets a breakpoint: the page becomes the process's private copy (4 KiB),
 * which the kernel treats like the shared one; the padding is zeroed again afterwards.
 */
public final class Trampoline {
    private static final byte[] CODE = {0x0f, 0x05, (byte) 0xb8, 0x0f, 0x00, 0x00, 0x00, 0x0f, 0x05};
    private static final int SLOT = 16;

    private final int pid;
    private final long address;

    private Trampoline(int pid, long address) {
        this.pid = pid;
        this.address = address;
    }

    /** Writes the code into the vdso padding of {@code pid}, whose threads must all be traced and stopped. */
    public static Trampoline install(int pid, List<MapsEntry> maps) throws IOException {
        MapsEntry vdso = maps.stream().filter(m -> m.path().equals("[vdso]")).findFirst()
                .orElseThrow(() -> new IOException("pid " + pid + ": it has no vdso (needed to run injected calls)"));
        byte[] image = new RemoteMemory(pid).read(vdso.start(), (int) Math.min(vdso.length(), 60 * 1024));
        long at = vdso.start() + image.length - SLOT;
        if (imageEnd(image) > image.length - SLOT) {
            throw new IOException("pid " + pid + ": its vdso has no padding after its ELF image for the injection code");
        }
        byte[] code = Arrays.copyOf(CODE, SLOT);
        // each word zero, or ours: left by a cryo that died before (or while) it cleaned up
        for (int w = 0; w < SLOT; w += 8) {
            byte[] word = Arrays.copyOfRange(image, image.length - SLOT + w, image.length - SLOT + w + 8);
            if (!Arrays.equals(word, new byte[8]) && !Arrays.equals(word, Arrays.copyOfRange(code, w, w + 8))) {
                throw new IOException("pid " + pid + ": the padding at the end of its vdso is not empty");
            }
        }
        write(pid, at, code);
        return new Trampoline(pid, at);
    }

    /** The {@code syscall} instruction that injected calls run; the recovery code follows it. */
    public long syscallInstruction() {
        return address;
    }

    /** Zeroes the padding again. Harmless if left undone (cryo died): nothing jumps there. */
    public void remove() throws IOException {
        write(pid, address, new byte[SLOT]);
    }

    private static void write(int pid, long at, byte[] bytes) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < bytes.length; i += 8) Ptrace.pokeData(pid, at + i, b.getLong(i));
    }

    /** Where the vdso's ELF file ends: past its section headers and every segment's file contents. */
    private static long imageEnd(byte[] elf) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(elf).order(ByteOrder.LITTLE_ENDIAN);
        if (elf.length < 64 || b.getInt(0) != 0x464c457f) throw new IOException("the vdso is not an ELF image");
        long end = b.getLong(0x28) + (long) b.getShort(0x3a) * b.getShort(0x3c);
        long phoff = b.getLong(0x20);
        int phentsize = b.getShort(0x36), phnum = b.getShort(0x38);
        for (int i = 0; i < phnum; i++) {
            int ph = (int) (phoff + (long) i * phentsize);
            if (ph + 56 > elf.length) throw new IOException("the vdso's program headers are truncated");
            end = Math.max(end, b.getLong(ph + 8) + b.getLong(ph + 32)); // p_offset + p_filesz
        }
        return end;
    }
}
