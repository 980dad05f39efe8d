package dev.cryo.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cryo.store.chunk.Xxh3;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The batched write path against the plain per-page definition: every page's key is its XXH3-128 (zero
 * pages (0, 0)), whether the pages come from native memory (referred to by the frames, not copied) or
 * from the heap, in one call or in odd-sized pieces; and every byte reads back.
 */
class ChunkPipelineTest {
    private static final int PAGE = 4096;

    @TempDir
    Path tmp;

    /**
     * Pages of every kind the pipeline tells apart, interleaved so frames are cut in every way: random,
     * compressible, zero, a page that is zero but for its last byte, repeats of earlier pages, runs of
     * random pages longer than a frame, and a short tail.
     */
    static byte[] mixed(long seed, int pages) {
        SplittableRandom r = new SplittableRandom(seed);
        byte[] b = new byte[pages * PAGE + 1000];
        for (int p = 0; p < pages; p++) {
            int at = p * PAGE;
            switch ((p / 7) % 6) {
                case 0, 1 -> {
                    for (int i = 0; i < PAGE; i++) {
                        b[at + i] = (byte) r.nextInt();
                    }
                }
                case 2 -> {
                    for (int i = 0; i < PAGE; i += 8) {
                        b[at + i] = (byte) r.nextInt(4);
                        b[at + i + 1] = (byte) (p & 0x7f);
                    }
                }
                case 3 -> {
                    if (p % 2 == 0) {
                        b[at + PAGE - 1] = 1;
                    }
                }
                case 4 -> System.arraycopy(b, (p % 5) * PAGE, b, at, PAGE);
                default -> {
                    if (p % 3 != 0) {
                        for (int i = 0; i < PAGE; i++) {
                            b[at + i] = (byte) r.nextInt();
                        }
                    }
                }
            }
        }
        for (int i = pages * PAGE; i < b.length; i++) {
            b[i] = (byte) r.nextInt();
        }
        return b;
    }

    /** The keys by definition: one XXH3-128 per page (the last one short), (0, 0) for an all-zero page. */
    static long[] expectedKeys(byte[] b) {
        int pages = (b.length + PAGE - 1) / PAGE;
        long[] k = new long[2 * pages];
        for (int p = 0; p < pages; p++) {
            int n = Math.min(PAGE, b.length - p * PAGE);
            boolean zero = true;
            for (int i = 0; i < n && zero; i++) {
                zero = b[p * PAGE + i] == 0;
            }
            if (!zero) {
                Xxh3.hash128(b, p * PAGE, n, k, 2 * p);
            }
        }
        return k;
    }

    private long[] keysOf(Store store, String id) throws IOException {
        try (CheckpointReader r = store.open(id)) {
            BlobReader blob = r.blob("mem");
            return ((ContentCheckpointReader.PageBlobReader) blob).keys();
        }
    }

    private void check(Store store, String id, byte[] data) throws IOException {
        assertArrayEquals(expectedKeys(data), keysOf(store, id));
        try (CheckpointReader r = store.open(id)) {
            assertArrayEquals(data, StoreTestData.readAll(r.blob("mem")));
        }
    }

    @Test
    void nativeInputInOneCallHasThePerPageKeys() throws IOException {
        byte[] data = mixed(1, 700);
        try (Store store = Store.open(tmp); Arena arena = Arena.ofShared()) {
            MemorySegment mem = arena.allocate(data.length, PAGE);
            MemorySegment.copy(data, 0, mem, ValueLayout.JAVA_BYTE, 0, data.length);
            CheckpointInfo info;
            try (CheckpointWriter w = store.begin(Compression.LZ4)) {
                w.blob("mem").write(mem.asByteBuffer());
                info = w.commit(new byte[] {1}, Map.of());
            }
            check(store, info.id(), data);
        }
    }

    @Test
    void nativeAndHeapInputInOddPiecesHaveThePerPageKeys() throws IOException {
        byte[] data = mixed(2, 600);
        SplittableRandom r = new SplittableRandom(3);
        for (boolean direct : new boolean[] {true, false}) {
            Path dir = tmp.resolve(direct ? "direct" : "heap");
            try (Store store = Store.open(dir)) {
                CheckpointInfo info;
                try (CheckpointWriter w = store.begin(Compression.LZ4)) {
                    BlobWriter blob = w.blob("mem");
                    // one reused buffer, as the engine streams pages: nothing may refer to it after a write
                    ByteBuffer reused = ByteBuffer.allocateDirect(301 * PAGE);
                    for (int at = 0; at < data.length; ) {
                        int n = Math.min(data.length - at, r.nextInt(3) == 0 ? 1 + r.nextInt(3 * PAGE)
                                : PAGE * (1 + r.nextInt(300)));
                        ByteBuffer piece = direct ? reused.clear() : ByteBuffer.allocate(n);
                        piece.put(data, at, n).flip();
                        blob.write(piece);
                        if (direct) {
                            reused.clear();
                            reused.put(new byte[reused.capacity()]).clear(); // scribble over what was written
                        }
                        at += n;
                    }
                    info = w.commit(new byte[] {1}, Map.of());
                }
                check(store, info.id(), data);
            }
        }
    }

    @Test
    void theSamePagesAgainAddNothing() throws IOException {
        byte[] data = mixed(4, 300);
        try (Store store = Store.open(tmp)) {
            CheckpointInfo first;
            CheckpointInfo second;
            try (CheckpointWriter w = store.begin(Compression.LZ4)) {
                ByteBuffer buf = ByteBuffer.allocateDirect(data.length).put(data).flip();
                w.blob("mem").write(buf);
                first = w.commit(new byte[] {1}, Map.of());
            }
            try (CheckpointWriter w = store.begin(Compression.LZ4)) {
                ByteBuffer buf = ByteBuffer.allocateDirect(data.length).put(data).flip();
                w.blob("mem").write(buf);
                second = w.commit(new byte[] {1}, Map.of());
            }
            assertTrue(first.addedBytes() > 0);
            assertEquals(0, second.addedBytes(), "the same pages again add nothing");
            check(store, second.id(), data);
        }
    }
}
