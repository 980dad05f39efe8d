package dev.cryo.linux.mem;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;

/**
 * A page-aligned block of native memory, allocated once and reused (fresh memory costs a page fault
 * per page: a dump or restore allocates its copy buffers once and touches them before use).
 *
 * <p>Above cryo-linux it is seen as an address range and as {@link ByteBuffer} views.
 */
public final class NativeBuffer implements AutoCloseable {
    public static final int PAGE = 4096;

    private final Arena arena;
    private final MemorySegment segment;

    private NativeBuffer(long size) {
        this.arena = Arena.ofShared();
        this.segment = arena.allocate(size, PAGE);
    }

    /** Allocates {@code size} bytes (rounded up to pages); the JDK zeroes them, which also faults them in. */
    public static NativeBuffer allocate(long size) {
        return new NativeBuffer((size + PAGE - 1) & -PAGE);
    }

    public long address() {
        return segment.address();
    }

    public long size() {
        return segment.byteSize();
    }

    /** A view of [offset, offset+length); positions are relative to the view. */
    public ByteBuffer view(long offset, int length) {
        return segment.asSlice(offset, length).asByteBuffer();
    }

    /** For the other bindings of cryo-linux only. */
    public MemorySegment segment() {
        return segment;
    }

    @Override
    public void close() {
        arena.close();
    }
}
