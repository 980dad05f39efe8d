package dev.cryo.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The opt-in fast mode without fsync ({@code CRYO_STORE_FSYNC=off}) writes the same store; what a power
 * loss can then do to it (a pack that never reached the disk, an index whose rename was lost) is refused
 * by verify and by reading, with one line naming the file.
 */
class NoFsyncTest {
    @TempDir
    Path tmp;

    @Test
    void writesTheSameStoreAndATornOneIsRefused() throws Exception {
        Path dir = tmp.resolve("store");
        String id = writeWithoutFsync(dir, 71);
        try (Store store = Store.open(dir)) {
            StoreFeaturesTest.assertReads(store, id, Map.of("shared", StoreTestData.pages(1000, 600), "own",
                    StoreTestData.pages(71, 300)));
            assertTrue(store.verify(null, false).ok());
        }

        // a power loss before the pack's data was written back: its name survived, its blocks did not
        Path pack = only(dir.resolve("packs"));
        Files.write(pack, new byte[0]);
        assertRefused(dir, id, pack);

        // and one that lost the index's rename as well
        Path index = only(dir.resolve("index"));
        Files.delete(index);
        try (Store store = Store.open(dir)) {
            VerifyReport report = store.verify(null, false);
            assertFalse(report.ok());
            StoreException e = assertThrows(StoreException.class, () -> read(store, id));
            assertFalse(e.getMessage().contains("\n"), e.getMessage());
        }
    }

    private static String writeWithoutFsync(Path dir, long seed) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-Dcryo.store.fsync=off", "--enable-native-access=ALL-UNNAMED", "-cp",
                System.getProperty("java.class.path"), WriterProcessMain.class.getName(), dir.toString(),
                Long.toString(seed)).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(p.getInputStream().readAllBytes()).trim();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        return out.lines().reduce((x, y) -> y).orElseThrow();
    }

    private static void assertRefused(Path dir, String id, Path victim) throws IOException {
        String name = victim.getFileName().toString();
        try (Store store = Store.open(dir)) {
            VerifyReport report = store.verify(null, false);
            assertFalse(report.ok(), "verify found nothing");
            assertTrue(report.problems().stream().anyMatch(p -> p.contains(name)), report.problems().toString());
            StoreException e = assertThrows(StoreException.class, () -> read(store, id));
            assertTrue(e.getMessage().contains(name), e.getMessage());
            assertFalse(e.getMessage().contains("\n"), e.getMessage());
        }
    }

    private static void read(Store store, String id) throws IOException {
        try (CheckpointReader r = store.open(id)) {
            StoreTestData.readAll(r.blob("shared"));
            StoreTestData.readAll(r.blob("own"));
        }
    }

    /** The one data file under {@code dir} (packs sit in subdirectories). */
    private static Path only(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            List<Path> files = s.filter(Files::isRegularFile).toList();
            assertEquals(1, files.size(), files.toString());
            return files.getFirst();
        }
    }
}
