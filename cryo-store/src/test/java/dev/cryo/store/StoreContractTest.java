package dev.cryo.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@link Store} contract, tested through the public API only. */
class StoreContractTest {
    @TempDir
    Path tmp;

    static CheckpointInfo write(Store store, String name, Map<String, byte[]> blobs, byte[] meta) throws IOException {
        try (CheckpointWriter w = store.begin()) {
            for (var e : blobs.entrySet()) {
                BlobWriter b = w.blob(e.getKey());
                byte[] data = e.getValue();
                // feed in uneven, page-multiple slices like the engine does
                int off = 0;
                int step = 3 * StoreTestData.PAGE;
                while (off < data.length) {
                    int n = Math.min(step, data.length - off);
                    b.write(ByteBuffer.wrap(data, off, n));
                    off += n;
                    step = step == 3 * StoreTestData.PAGE ? 17 * StoreTestData.PAGE : 3 * StoreTestData.PAGE;
                }
                assertEquals(data.length, b.size());
            }
            Map<String, String> labels = new HashMap<>();
            if (name != null) {
                labels.put("name", name);
            }
            labels.put("processes", Integer.toString(blobs.size()));
            return w.commit(meta, labels);
        }
    }

    @Test
    void roundTripWithPermissions() throws IOException {
        Path dir = tmp.resolve("store");
        byte[] a = StoreTestData.pages(1, 50);
        byte[] b = new byte[5 * 4096 + 123];
        System.arraycopy(StoreTestData.random(9, b.length), 0, b, 0, b.length);
        byte[] meta = "metadata".getBytes();
        CheckpointInfo info;
        try (Store store = Store.open(dir)) {
            info = write(store, "web", Map.of("mem/1", a, "mem/2", b, "empty", new byte[0]), meta);
            assertTrue(info.id().length() >= 12 && info.id().matches("[0-9a-f]+"), info.id());
            assertEquals(a.length + b.length, info.logicalBytes());
            assertEquals("web", info.name());
        }
        try (Store store = Store.open(dir); CheckpointReader r = store.open(info.id())) {
            assertArrayEquals(meta, r.metadata());
            assertArrayEquals(a, StoreTestData.readAll(r.blob("mem/1")));
            assertArrayEquals(b, StoreTestData.readAll(r.blob("mem/2")));
            assertEquals(0, r.blob("empty").size());
            // random access in the middle, across page boundaries
            ByteBuffer mid = ByteBuffer.allocate(10000);
            r.blob("mem/1").read(4000, mid);
            assertArrayEquals(java.util.Arrays.copyOfRange(a, 4000, 14000), mid.array());
            StoreException e = assertThrows(StoreException.class, () -> r.blob("nope"));
            assertTrue(e.getMessage().contains("nope"), e.getMessage());
            assertEquals(List.of(info.id()), store.list().stream().map(CheckpointInfo::id).toList());
            assertTrue(store.verify(null, false).ok());
        }
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.toList()) {
                String perms = PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
                assertEquals(Files.isDirectory(p) ? "rwx------" : "rw-------", perms, p.toString());
            }
        }
        try (Stream<Path> s = Files.list(dir.resolve("tmp"))) {
            assertEquals(0, s.count(), "tmp/ left non-empty");
        }
    }

    @Test
    void uncommittedWriterLeavesNothing() throws IOException {
        try (Store store = Store.open(tmp)) {
            try (CheckpointWriter w = store.begin()) {
                w.blob("x").write(ByteBuffer.wrap(StoreTestData.pages(3, 20)));
            }
            assertEquals(0, store.list().size());
            try (Stream<Path> s = Files.list(tmp.resolve("tmp"))) {
                assertEquals(0, s.count());
            }
        }
    }

    @Test
    void refsResolveLikeGit() throws IOException {
        try (Store store = Store.open(tmp)) {
            List<CheckpointInfo> made = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                made.add(write(store, i % 2 == 0 ? "even" : "odd", Map.of("m", StoreTestData.pages(i, 2)),
                        ("meta" + i).getBytes()));
            }
            CheckpointInfo first = made.getFirst();
            try (CheckpointReader r = store.open(first.id())) {
                assertEquals(first.id(), r.info().id());
            }
            try (CheckpointReader r = store.open(first.id().substring(0, 12))) {
                assertEquals(first.id(), r.info().id());
            }
            try (CheckpointReader r = store.open("even")) {
                assertEquals(made.get(18).id(), r.info().id());
            }
            try (CheckpointReader r = store.open("odd")) {
                assertEquals(made.get(19).id(), r.info().id());
            }
            StoreException unknown = assertThrows(StoreException.class, () -> store.open("abcdefabcdef"));
            assertEquals("checkpoint 'abcdefabcdef': no such checkpoint", unknown.getMessage());
            // 20 ids over 16 first digits: some digit is shared
            Map<Character, Integer> byFirst = new HashMap<>();
            made.forEach(c -> byFirst.merge(c.id().charAt(0), 1, Integer::sum));
            var shared = byFirst.entrySet().stream().filter(e -> e.getValue() > 1).findFirst().orElseThrow();
            StoreException amb = assertThrows(StoreException.class, () -> store.open(shared.getKey().toString()));
            assertEquals("checkpoint '" + shared.getKey() + "': ambiguous prefix (matches " + shared.getValue()
                    + " checkpoints)", amb.getMessage());
            List<CheckpointInfo> listed = store.list();
            assertEquals(20, listed.size());
        }
    }

    @Test
    void removeNeverBreaksAnother() throws IOException {
        byte[] shared = StoreTestData.pages(5, 40);
        try (Store store = Store.open(tmp)) {
            CheckpointInfo c1 = write(store, "a", Map.of("m", shared), new byte[] {1});
            CheckpointInfo c2 = write(store, "b", Map.of("m", shared, "n", StoreTestData.pages(6, 4)), new byte[] {2});
            assertNotEquals(c1.id(), c2.id());
            store.remove(c1.id());
            assertThrows(StoreException.class, () -> store.open(c1.id()));
            try (CheckpointReader r = store.open(c2.id())) {
                assertArrayEquals(shared, StoreTestData.readAll(r.blob("m")));
            }
            assertTrue(store.verify(null, false).ok());
            assertThrows(StoreException.class, () -> store.remove(c1.id()));
        }
    }

    @Test
    void refusesOtherFormatVersionsAndDataWithoutConfig() throws IOException {
        Path dir = tmp.resolve("s");
        Store.open(dir).close();
        Files.writeString(dir.resolve("config"), "cryo-store\nversion=99\n");
        StoreException e = assertThrows(StoreException.class, () -> Store.open(dir));
        assertTrue(e.getMessage().contains("format version 99"), e.getMessage());
        // other cryo state in the directory is fine; store data without its config is not
        Path withLogs = tmp.resolve("logs-first");
        Files.createDirectories(withLogs.resolve("logs"));
        Store.open(withLogs).close();
        assertTrue(Files.exists(withLogs.resolve("config")));
        try (Store s = Store.open(withLogs)) {
            write(s, "x", Map.of("m", StoreTestData.pages(1, 3)), new byte[0]);
        }
        Files.delete(withLogs.resolve("config"));
        e = assertThrows(StoreException.class, () -> Store.open(withLogs));
        assertTrue(e.getMessage().contains("config missing"), e.getMessage());
    }
}
