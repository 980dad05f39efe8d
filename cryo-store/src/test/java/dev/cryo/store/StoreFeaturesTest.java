package dev.cryo.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Content addressing: dedup, zero pages, gc, concurrency, export/import. */
@SuppressWarnings("try") // readers and writers opened only to hold the store
class StoreFeaturesTest {
    @TempDir
    Path tmp;

    static long dirBytes(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            long n = 0;
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                n += Files.size(p);
            }
            return n;
        }
    }

    static long packBytes(Path dir) throws IOException {
        return dirBytes(dir.resolve("packs"));
    }

    static void assertReads(Store store, String id, Map<String, byte[]> blobs) throws IOException {
        try (CheckpointReader r = store.open(id)) {
            for (var e : blobs.entrySet()) {
                assertArrayEquals(e.getValue(), StoreTestData.readAll(r.blob(e.getKey())), e.getKey());
            }
        }
    }

    @Test
    void dedupAcrossBlobsAndCheckpointsAndZeroPagesAreFree() throws IOException {
        byte[] data = StoreTestData.pages(21, 200);
        try (Store store = Store.open(tmp)) {
            CheckpointInfo a = StoreContractTest.write(store, "a", Map.of("x", data), new byte[] {1});
            assertTrue(a.addedBytes() > 0);
            long packs = packBytes(tmp);
            // the same pages twice in one checkpoint and again in another: nothing new is stored
            CheckpointInfo b = StoreContractTest.write(store, "b", Map.of("y", data, "z", data.clone()), new byte[] {2});
            assertEquals(0, b.addedBytes());
            assertEquals(packs, packBytes(tmp));
            CheckpointInfo z = StoreContractTest.write(store, "z", Map.of("zeros", new byte[400 * 4096]), new byte[] {3});
            assertEquals(0, z.addedBytes());
            assertEquals(400 * 4096, z.logicalBytes());
            assertReads(store, b.id(), Map.of("y", data, "z", data));
            assertReads(store, z.id(), Map.of("zeros", new byte[400 * 4096]));
            // compression: half of the non-zero test pages are text-like
            assertTrue(a.addedBytes() < data.length * 0.6, "added " + a.addedBytes());
        }
    }

    @Test
    void appendRefersToAnotherCheckpointsPagesWithoutStoringThemAgain() throws IOException {
        byte[] base = StoreTestData.random(41, 300 * 4096);
        byte[] fresh = StoreTestData.random(42, 3 * 4096);
        try (Store store = Store.open(tmp)) {
            CheckpointInfo a = StoreContractTest.write(store, "a", Map.of("mem", base), new byte[] {1});
            // the new blob: pages 0-99 of a, 1 new page, pages 150-299 of a, 2 new pages
            byte[] expected = new byte[(100 + 1 + 150 + 2) * 4096];
            System.arraycopy(base, 0, expected, 0, 100 * 4096);
            System.arraycopy(fresh, 0, expected, 100 * 4096, 4096);
            System.arraycopy(base, 150 * 4096, expected, 101 * 4096, 150 * 4096);
            System.arraycopy(fresh, 4096, expected, 251 * 4096, 2 * 4096);
            CheckpointInfo b;
            try (CheckpointReader ra = store.open(a.id()); CheckpointWriter w = store.begin()) {
                BlobWriter blob = w.blob("mem");
                BlobReader from = ra.blob("mem");
                blob.append(from, 0, 100 * 4096);
                blob.write(java.nio.ByteBuffer.wrap(fresh, 0, 4096));
                blob.append(from, 150 * 4096, 150 * 4096);
                blob.write(java.nio.ByteBuffer.wrap(fresh, 4096, 2 * 4096));
                assertEquals(expected.length, blob.size());
                b = w.commit(new byte[] {2}, Map.of("name", "b"));
            }
            assertEquals(expected.length, b.logicalBytes());
            assertTrue(b.addedBytes() < 4 * 4096, "added " + b.addedBytes());
            assertReads(store, b.id(), Map.of("mem", expected));
            // b stands on its own: removing a and collecting keeps every page b refers to
            store.remove(a.id());
            store.gc();
            assertReads(store, b.id(), Map.of("mem", expected));
            assertTrue(store.verify(b.id(), false).ok());
        }
    }

    @Test
    void gcFreesRemovedCheckpointsAndKeepsTheRest() throws IOException {
        byte[] shared = StoreTestData.pages(31, 100);
        byte[] onlyA = StoreTestData.random(32, 300 * 4096);
        byte[] onlyB = StoreTestData.pages(33, 100);
        try (Store store = Store.open(tmp)) {
            CheckpointInfo a = StoreContractTest.write(store, "a", Map.of("s", shared, "o", onlyA), new byte[] {1});
            CheckpointInfo b = StoreContractTest.write(store, "b", Map.of("s", shared, "o", onlyB), new byte[] {2});
            long before = packBytes(tmp);
            GcReport nothing = store.gc();
            assertEquals(0, nothing.packsRewritten());
            assertReads(store, a.id(), Map.of("s", shared, "o", onlyA));
            store.remove(a.id());
            GcReport r = store.gc();
            assertTrue(r.bytesFreed() > onlyA.length / 2, r.toString());
            assertTrue(packBytes(tmp) < before - onlyA.length / 2, "packs did not shrink");
            assertReads(store, b.id(), Map.of("s", shared, "o", onlyB));
            VerifyReport v = store.verify(null, false);
            assertTrue(v.ok(), v.problems().toString());
            // after gc new checkpoints still dedup against what survived
            CheckpointInfo c = StoreContractTest.write(store, "c", Map.of("s", shared), new byte[] {3});
            assertEquals(0, c.addedBytes());
            try (Stream<Path> s = Files.list(tmp.resolve("index"))) {
                assertEquals(1, s.count(), "gc leaves one index");
            }
        }
    }

    @Test
    void gcRefusesWhileTheStoreIsInUse() throws IOException {
        try (Store store = Store.open(tmp)) {
            CheckpointInfo a = StoreContractTest.write(store, "a", Map.of("s", StoreTestData.pages(1, 10)), new byte[0]);
            try (CheckpointReader r = store.open(a.id())) {
                StoreException e = assertThrows(StoreException.class, store::gc);
                assertTrue(e.getMessage().contains("in use"), e.getMessage());
            }
            try (CheckpointWriter w = store.begin()) {
                assertThrows(StoreException.class, store::gc);
            }
            store.gc();
        }
    }

    @Test
    void concurrentWritersInOneProcess() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try (Store store = Store.open(tmp)) {
            List<Future<CheckpointInfo>> futures = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                long seed = 40 + i;
                Callable<CheckpointInfo> job = () -> StoreContractTest.write(store, "t" + seed,
                        Map.of("shared", StoreTestData.pages(1000, 300), "own", StoreTestData.pages(seed, 100)),
                        new byte[] {(byte) seed});
                futures.add(pool.submit(job));
            }
            for (int i = 0; i < 3; i++) {
                CheckpointInfo c = futures.get(i).get(60, TimeUnit.SECONDS);
                assertReads(store, c.id(), Map.of("shared", StoreTestData.pages(1000, 300), "own",
                        StoreTestData.pages(40 + i, 100)));
            }
            assertTrue(store.verify(null, false).ok());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void twoProcessesWriteAtOnceThenGcKeepsBoth() throws Exception {
        Path dir = tmp.resolve("store");
        Store.open(dir).close();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<Process> procs = new ArrayList<>();
        for (long seed : new long[] {51, 52}) {
            procs.add(new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                    WriterProcessMain.class.getName(), dir.toString(), Long.toString(seed))
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start());
        }
        List<String> ids = new ArrayList<>();
        for (Process p : procs) {
            String out = new String(p.getInputStream().readAllBytes()).trim();
            assertTrue(p.waitFor(120, TimeUnit.SECONDS));
            assertEquals(0, p.exitValue(), out);
            ids.add(out.lines().reduce((x, y) -> y).orElseThrow());
        }
        assertNotEquals(ids.get(0), ids.get(1));
        try (Store store = Store.open(dir)) {
            for (int i = 0; i < 2; i++) {
                assertReads(store, ids.get(i), Map.of("shared", StoreTestData.pages(1000, 600), "own",
                        StoreTestData.pages(51 + i, 300)));
            }
            store.gc(); // merges the two indexes, drops a chunk both processes stored
            for (int i = 0; i < 2; i++) {
                assertReads(store, ids.get(i), Map.of("shared", StoreTestData.pages(1000, 600), "own",
                        StoreTestData.pages(51 + i, 300)));
            }
            assertTrue(store.verify(null, false).ok());
        }
    }

    @Test
    void exportImportRoundTripDedupsAndRefusesDamage() throws IOException {
        Map<String, byte[]> blobs = Map.of("m", StoreTestData.pages(61, 120), "n", StoreTestData.pages(62, 30));
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        CheckpointInfo orig;
        try (Store src = Store.open(tmp.resolve("src"))) {
            orig = StoreContractTest.write(src, "web", blobs, "meta".getBytes());
            StoreContractTest.write(src, "other", Map.of("o", StoreTestData.random(63, 50 * 4096)), new byte[0]);
            src.export(orig.id().substring(0, 12), stream);
        }
        byte[] exported = stream.toByteArray();
        assertTrue(exported.length < 150 * 4096, "stream holds only this checkpoint: " + exported.length);
        try (Store dst = Store.open(tmp.resolve("dst"))) {
            CheckpointInfo in = dst.importFrom(new ByteArrayInputStream(exported));
            assertEquals(orig.id(), in.id());
            assertReads(dst, orig.id(), blobs);
            try (CheckpointReader r = dst.open("web")) {
                assertArrayEquals("meta".getBytes(), r.metadata());
            }
            long packs = packBytes(tmp.resolve("dst"));
            dst.importFrom(new ByteArrayInputStream(exported)); // again: nothing new stored
            assertEquals(packs, packBytes(tmp.resolve("dst")));
            assertTrue(dst.verify(null, false).ok());
        }
        byte[] damaged = exported.clone();
        damaged[damaged.length - 100] ^= 0x40;
        try (Store other = Store.open(tmp.resolve("other"))) {
            StoreException e = assertThrows(StoreException.class,
                    () -> other.importFrom(new ByteArrayInputStream(damaged)));
            assertTrue(e.getMessage().startsWith("import: "), e.getMessage());
            byte[] cut = java.util.Arrays.copyOf(exported, exported.length / 2);
            e = assertThrows(StoreException.class, () -> other.importFrom(new ByteArrayInputStream(cut)));
            assertTrue(e.getMessage().contains("truncated"), e.getMessage());
            assertEquals(0, other.list().size());
            try (Stream<Path> s = Files.list(tmp.resolve("other").resolve("tmp"))) {
                assertEquals(0, s.count());
            }
            assertEquals(0, packBytes(tmp.resolve("other")));
        }
    }

    @Test
    void largeReadsAreSplitAcrossThreadsAndStayExact() throws IOException {
        byte[] big = StoreTestData.pages(81, 3000);
        try (Store store = Store.open(tmp)) {
            CheckpointInfo c = StoreContractTest.write(store, "big", Map.of("m", big), new byte[0]);
            try (CheckpointReader r = store.open(c.id())) {
                java.nio.ByteBuffer dst = java.nio.ByteBuffer.allocateDirect(big.length + 100);
                dst.position(50).limit(50 + big.length - 7000);
                r.blob("m").read(7000, dst);
                assertEquals(50 + big.length - 7000, dst.position());
                byte[] got = new byte[big.length - 7000];
                dst.get(50, got);
                assertArrayEquals(java.util.Arrays.copyOfRange(big, 7000, big.length), got);
            }
        }
    }

    @Test
    void leftoversOfACrashedWriterAreHarmlessAndGcRemovesThem() throws IOException {
        try (Store store = Store.open(tmp)) {
            CheckpointInfo c = StoreContractTest.write(store, "a", Map.of("m", StoreTestData.pages(91, 50)), new byte[0]);
            // a writer that died after publishing a pack, before its index: an unindexed pack, and a tmp file
            StoreLayout layout = new StoreLayout(tmp);
            dev.cryo.store.pack.PackSink sink = new dev.cryo.store.pack.PackSink(layout, 1 << 20);
            dev.cryo.store.pack.FrameBuilder fb = new dev.cryo.store.pack.FrameBuilder(sink);
            byte[] page = StoreTestData.random(92, 4096);
            dev.cryo.store.chunk.ChunkKey k = dev.cryo.store.chunk.ChunkKey.of(page, 0, 4096);
            fb.add(k.lo(), k.hi(), page, 0, 4096);
            fb.flush();
            String orphan = sink.finish().getFirst().id();
            Files.write(tmp.resolve("tmp").resolve("pack-crashed"), new byte[100]);
            assertTrue(store.verify(null, false).ok());
            assertReads(store, c.id(), Map.of("m", StoreTestData.pages(91, 50)));
            GcReport r = store.gc();
            assertEquals(1, r.packsDeleted(), r.toString());
            assertTrue(Files.notExists(layout.pack(orphan)));
            try (Stream<Path> s = Files.list(tmp.resolve("tmp"))) {
                assertEquals(0, s.count());
            }
            assertReads(store, c.id(), Map.of("m", StoreTestData.pages(91, 50)));
        }
    }

    @Test
    void damageMessagesSayWhatIsDamaged() throws IOException {
        CheckpointInfo c;
        try (Store store = Store.open(tmp)) {
            c = StoreContractTest.write(store, "a", Map.of("m", StoreTestData.pages(71, 64)), new byte[] {1});
        }
        Path manifest = tmp.resolve("manifests").resolve(c.id());
        byte[] m = Files.readAllBytes(manifest);
        m[m.length / 2] ^= 1;
        Files.write(manifest, m);
        try (Store store = Store.open(tmp)) {
            StoreException e = assertThrows(StoreException.class, () -> store.open(c.id()));
            assertEquals(tmp + "/manifests/" + c.id() + ": damaged manifest (content does not match its hash)",
                    e.getMessage());
            m[m.length / 2] ^= 1;
            Files.write(manifest, m);
            Path index;
            try (Stream<Path> s = Files.list(tmp.resolve("index"))) {
                index = s.findFirst().orElseThrow();
            }
            byte[] ix = Files.readAllBytes(index);
            ix[40] ^= 1;
            Files.write(index, ix);
            e = assertThrows(StoreException.class, () -> store.open(c.id()));
            assertTrue(e.getMessage().endsWith(index.getFileName() + ": damaged index (content does not match its hash)"),
                    e.getMessage());
            ix[40] ^= 1;
            Files.write(index, ix);
            Path pack;
            try (Stream<Path> s = Files.walk(tmp.resolve("packs"))) {
                pack = s.filter(Files::isRegularFile).findFirst().orElseThrow();
            }
            byte[] pk = Files.readAllBytes(pack);
            pk[10] ^= 1;
            Files.write(pack, pk);
            e = assertThrows(StoreException.class, () -> {
                try (CheckpointReader r = store.open(c.id())) {
                    StoreTestData.readAll(r.blob("m"));
                }
            });
            assertTrue(e.getMessage().contains(pack.getFileName() + ": damaged pack"), e.getMessage());
            VerifyReport quick = store.verify(c.id(), true);
            assertTrue(quick.ok(), "quick verify checks structure only");
            VerifyReport full = store.verify(c.id(), false);
            assertTrue(full.problems().stream().anyMatch(p -> p.contains(pack.getFileName() + ": damaged pack")),
                    full.problems().toString());
        }
    }
}
