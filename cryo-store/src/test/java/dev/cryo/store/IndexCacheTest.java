package dev.cryo.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cryo.store.index.MasterIndex;
import dev.cryo.store.pack.PackTable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A store kept open across commits extends its cached index in memory; it must equal a fresh load. */
class IndexCacheTest {
    @TempDir
    Path tmp;

    private static void assertSameChunks(MasterIndex loaded, MasterIndex cached) {
        assertEquals(loaded.size(), cached.size());
        assertEquals(loaded.indexIds(), cached.indexIds());
        for (int p = 0; p < loaded.packCount(); p++) {
            PackTable t = loaded.table(p);
            for (int c = 0; c < t.chunks; c++) {
                int g = cached.find(t.keyLo[c], t.keyHi[c]);
                assertTrue(g >= 0, "chunk missing from the cached index");
                PackTable ct = cached.table(cached.packOf(g));
                int lc = cached.localOf(g);
                assertEquals(loaded.packId(p), cached.packId(cached.packOf(g)));
                assertEquals(t.chunkFrame[c], ct.chunkFrame[lc]);
                assertEquals(t.chunkOffset[c], ct.chunkOffset[lc]);
            }
        }
    }

    @Test
    void theCacheExtendedAfterEachCommitEqualsAFreshLoad() throws IOException {
        try (ContentStore store = (ContentStore) Store.open(tmp)) {
            MasterIndex before = store.index();
            // small, then large enough to outgrow the hash table, then small again, then the first again
            int[] sizes = {10, 3000, 40, 0};
            for (int i = 0; i < sizes.length; i++) {
                byte[] data = sizes[i] == 0 ? StoreTestData.pages(100, 10) : StoreTestData.pages(100 + i, sizes[i]);
                StoreContractTest.write(store, "c" + i, Map.of("mem", data), new byte[] {1});
                MasterIndex cached = store.index();
                if (sizes[i] == 0) {
                    assertSame(before, cached, "nothing written: the cache stays");
                } else {
                    assertNotSame(before, cached);
                }
                assertSameChunks(MasterIndex.load(store.layout()), cached);
                assertSame(cached, store.index(), "not reloaded: the directory holds what the cache says");
                before = cached;
            }
        }
    }
}
