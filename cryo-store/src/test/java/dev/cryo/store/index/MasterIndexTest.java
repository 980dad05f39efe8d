package dev.cryo.store.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cryo.store.StoreConfig;
import dev.cryo.store.StoreLayout;
import dev.cryo.store.pack.FrameCodec;
import dev.cryo.store.pack.PackTable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A million chunks load well under a second; every key is found, absent keys are not. */
class MasterIndexTest {
    @TempDir
    Path tmp;

    @Test
    void millionChunksLoadFast() throws IOException {
        StoreLayout layout = new StoreLayout(tmp);
        StoreConfig.openOrCreate(layout, 2);
        SplittableRandom r = new SplittableRandom(5);
        List<IndexFile.Entry> packs = new ArrayList<>();
        int perPack = 1 << 15;
        long[] sampleLo = new long[1000];
        long[] sampleHi = new long[1000];
        int sampled = 0;
        for (int p = 0; p < 32; p++) {
            PackTable t = new PackTable();
            for (int f = 0; f < perPack / 16; f++) {
                int frame = t.addFrame(f * 20000L, 20000, 65536, FrameCodec.LZ4);
                for (int c = 0; c < 16; c++) {
                    long lo = r.nextLong();
                    long hi = r.nextLong();
                    t.addChunk(lo, hi, frame, c * 4096, 4096);
                    if (sampled < 1000 && r.nextInt(1000) == 0) {
                        sampleLo[sampled] = lo;
                        sampleHi[sampled++] = hi;
                    }
                }
            }
            packs.add(new IndexFile.Entry(String.format("%032x", p + 1), t));
        }
        long w0 = System.nanoTime();
        IndexFile.writeEntries(layout, packs);
        System.out.printf("IndexFile: 1M chunks sorted and written in %.0f ms%n", (System.nanoTime() - w0) / 1e6);
        for (IndexFile.Entry e : packs) {
            PackTable t = e.table();
            for (int i = 1; i < t.chunks; i++) {
                int c = Long.compareUnsigned(t.keyHi[i - 1], t.keyHi[i]);
                assertTrue(c < 0 || (c == 0 && Long.compareUnsigned(t.keyLo[i - 1], t.keyLo[i]) < 0), "sorted");
            }
        }
        long best = Long.MAX_VALUE;
        MasterIndex m = null;
        for (int i = 0; i < 3; i++) {
            long t0 = System.nanoTime();
            m = MasterIndex.load(layout);
            best = Math.min(best, System.nanoTime() - t0);
        }
        System.out.printf("MasterIndex: %d chunks loaded in %.0f ms%n", m.size(), best / 1e6);
        assertEquals(32 * perPack, m.size());
        for (int i = 0; i < sampled; i++) {
            assertTrue(m.contains(sampleLo[i], sampleHi[i]));
        }
        assertTrue(!m.contains(1, 2));
    }
}
