package dev.cryo.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every data file of a store, truncated or with one bit flipped, is caught: reading either returns exactly
 * the original bytes or fails with a message naming the damaged file, and a full verify names it. Mapping
 * a blob (restore) refuses any damage to a pack it uses, even in a pack's trailer.
 */
class StoreDamageTest {
    @TempDir
    Path tmp;

    Path golden;
    final Map<String, Map<String, byte[]>> content = new LinkedHashMap<>();

    @BeforeEach
    void build() throws IOException {
        golden = tmp.resolve("golden");
        try (Store store = Store.open(golden)) {
            for (int i = 0; i < 3; i++) {
                Map<String, byte[]> blobs = new LinkedHashMap<>();
                blobs.put("mem/" + i, StoreTestData.pages(100 + i, 64));
                blobs.put("mem/shared", StoreTestData.pages(7, 32));
                CheckpointInfo c = StoreContractTest.write(store, "c" + i, blobs, ("meta" + i).getBytes());
                content.put(c.id(), blobs);
            }
        }
    }

    List<Path> dataFiles() throws IOException {
        try (Stream<Path> s = Files.walk(golden)) {
            return s.filter(Files::isRegularFile)
                    .filter(p -> !golden.relativize(p).startsWith("locks") && !golden.relativize(p).startsWith("tmp")
                            && !p.getFileName().toString().equals("config"))
                    .sorted().toList();
        }
    }

    Path copy(String name) throws IOException {
        Path dst = tmp.resolve(name);
        try (Stream<Path> s = Files.walk(golden)) {
            for (Path p : s.toList()) {
                Path t = dst.resolve(golden.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                } else {
                    Files.copy(p, t, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
        return dst;
    }

    @Test
    void flippedBitsAndTruncationsAreCaught() throws IOException {
        List<Path> files = dataFiles();
        assertFalse(files.isEmpty());
        int n = 0;
        for (Path f : files) {
            Path rel = golden.relativize(f);
            long size = Files.size(f);
            for (String kind : List.of("flip-middle", "flip-end", "truncate")) {
                Path dir = copy("case" + n++);
                Path victim = dir.resolve(rel.toString());
                try (RandomAccessFile raf = new RandomAccessFile(victim.toFile(), "rw")) {
                    switch (kind) {
                        case "flip-middle" -> flip(raf, size / 2);
                        case "flip-end" -> flip(raf, size - 1);
                        default -> raf.setLength(size * 2 / 3);
                    }
                }
                check(dir, victim, rel + " " + kind);
            }
        }
    }

    private static void flip(RandomAccessFile raf, long pos) throws IOException {
        raf.seek(pos);
        int b = raf.read();
        raf.seek(pos);
        raf.write(b ^ 0x10);
    }

    private void check(Path dir, Path victim, String what) throws IOException {
        String fileName = victim.getFileName().toString();
        List<String> readFailures = new ArrayList<>();
        try (Store store = Store.open(dir)) {
            VerifyReport report = store.verify(null, false);
            assertFalse(report.ok(), what + ": verify found nothing");
            assertTrue(report.problems().stream().anyMatch(p -> p.contains(fileName)),
                    what + ": verify does not name the file: " + report.problems());
            for (var c : content.entrySet()) {
                try (CheckpointReader r = store.open(c.getKey())) {
                    for (var b : c.getValue().entrySet()) {
                        assertArrayEquals(b.getValue(), StoreTestData.readAll(r.blob(b.getKey())), what);
                    }
                } catch (StoreException e) {
                    assertTrue(e.getMessage().contains(fileName), what + ": message does not name the file: "
                            + e.getMessage());
                    assertFalse(e.getMessage().contains("\n"), "one line");
                    readFailures.add(e.getMessage());
                }
            }
            // the restore's path: mapped packs, every page checked before the map is handed out
            List<String> mapFailures = new ArrayList<>();
            for (var c : content.entrySet()) {
                try (CheckpointReader r = store.open(c.getKey())) {
                    for (var b : c.getValue().entrySet()) {
                        assertArrayEquals(b.getValue(), StoreTestData.readMapped(r.blob(b.getKey())), what + " (mapped)");
                    }
                } catch (StoreException e) {
                    assertTrue(e.getMessage().contains(fileName), what + ": mapped: message does not name the file: "
                            + e.getMessage());
                    mapFailures.add(e.getMessage());
                }
            }
            if (victim.toString().contains("/packs/") && mapFailures.isEmpty()) {
                fail(what + ": a damaged pack was mapped without error");
            }
        } catch (StoreException e) {
            // refusing to open the whole store is fine when it names the file
            assertTrue(e.getMessage().contains(fileName), what + ": " + e.getMessage());
            return;
        }
        if (what.contains("middle") || what.contains("truncate")) {
            if (readFailures.isEmpty() && !victim.toString().contains("/index/")) {
                fail(what + ": damaged data read back without error");
            }
        }
    }
}
