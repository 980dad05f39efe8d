package dev.cryo.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A full disk surfaces as one clear StoreException and leaves the store valid, on a real (tiny) tmpfs. */
class StoreNoSpaceTest {
    @TempDir
    Path tmp;
    Path mountPoint;

    static int run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return -1;
        }
        return p.exitValue();
    }

    @AfterEach
    void unmount() throws Exception {
        if (mountPoint != null) {
            run("umount", mountPoint.toString());
        }
    }

    @Test
    void noSpaceLeftOnDevice() throws Exception {
        Path mnt = tmp.resolve("mnt");
        Files.createDirectory(mnt);
        assumeTrue(run("mount", "-t", "tmpfs", "-o", "size=2m,mode=0700", "tmpfs", mnt.toString()) == 0,
                "needs root to mount a small tmpfs");
        mountPoint = mnt;
        Path dir = mnt.resolve("store");
        try (Store store = Store.open(dir)) {
            byte[] small = StoreTestData.pages(11, 16);
            CheckpointInfo ok = StoreContractTest.write(store, "small", Map.of("m", small), new byte[] {1});
            byte[] big = StoreTestData.random(12, 4 << 20); // incompressible, twice the filesystem
            StoreException e = assertThrows(StoreException.class, () -> {
                try (CheckpointWriter w = store.begin()) {
                    BlobWriter b = w.blob("big");
                    for (int off = 0; off < big.length; off += 1 << 16) {
                        b.write(ByteBuffer.wrap(big, off, 1 << 16));
                    }
                    w.commit(new byte[] {2}, Map.of("name", "big"));
                }
            });
            assertEquals("store " + dir + ": no space left on device", e.getMessage());
            try (Stream<Path> s = Files.list(dir.resolve("tmp"))) {
                assertEquals(0, s.count(), "tmp files left behind");
            }
            assertEquals(1, store.list().size());
            assertTrue(store.verify(null, false).ok(), store.verify(null, false).problems().toString());
            try (CheckpointReader r = store.open(ok.id())) {
                assertArrayEquals(small, StoreTestData.readAll(r.blob("m")));
            }
            // and the space is usable again
            StoreContractTest.write(store, "again", Map.of("m", StoreTestData.pages(13, 16)), new byte[] {3});
        }
    }
}
