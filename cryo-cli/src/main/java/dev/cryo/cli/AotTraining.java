package dev.cryo.cli;

import dev.cryo.store.CheckpointInfo;
import dev.cryo.store.CheckpointReader;
import dev.cryo.store.CheckpointWriter;
import dev.cryo.store.Compression;
import dev.cryo.store.Store;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The training run for the JDK's AOT cache (the launcher runs it with -XX:AOTCacheOutput): goes through
 * the start-up paths that every command shares (picocli model, help, errors, the store, JSON) so that
 * their classes come pre-loaded and pre-linked. Touches no process and leaves nothing behind.
 */
public final class AotTraining {
    private AotTraining() {}

    /**
     * The store's write and read paths on a few MiB of page-like data (zero, random and compressible pages):
     * hashing, compression, packs, index, manifests, export, import, gc, and the native bindings behind
     * them, so that a checkpoint or restore finds them loaded and linked.
     */
    private static void trainStore(Path storeDir, Path otherDir) throws IOException {
        int pages = 2048;
        ByteBuffer mem = ByteBuffer.allocateDirect(pages * 4096);
        java.util.SplittableRandom r = new java.util.SplittableRandom(1);
        for (int p = 0; p < pages; p++) {
            for (int j = 0; j < 4096; j += 8) {
                long v = switch (p % 3) {
                    case 0 -> 0;
                    case 1 -> r.nextLong();
                    default -> p * 31L + (j & 0xFF);
                };
                mem.putLong(p * 4096 + j, v);
            }
        }
        try (Store store = Store.open(storeDir); Store other = Store.open(otherDir)) {
            for (Compression c : Compression.values()) {
                try (CheckpointWriter w = store.begin(c)) {
                    w.blob("mem/1").write(mem.duplicate());
                    CheckpointInfo info = w.commit(new byte[] {1}, java.util.Map.of("name", "training"));
                    try (CheckpointReader reader = store.open(info.id())) {
                        reader.blob("mem/1").read(0, ByteBuffer.allocateDirect(mem.capacity()));
                    }
                    var stream = new java.io.ByteArrayOutputStream();
                    store.export(info.id(), stream);
                    other.importFrom(new java.io.ByteArrayInputStream(stream.toByteArray()));
                    store.remove(info.id());
                } catch (dev.cryo.store.StoreException e) {
                    // zstd without libzstd: nothing to train
                }
                mem.putLong(8, c.ordinal() + 7L); // the next round writes a page that is new
            }
            store.verify(null, false);
            store.gc();
        }
    }

    public static void main(String[] args) throws IOException {
        Path dir = Files.createTempDirectory("cryo-aot-training-");
        String store = dir.resolve("store").toString();
        PrintWriter sink = new PrintWriter(Writer.nullWriter());
        String[][] runs = {
                {"--version"},
                {"help"},
                {"help", "checkpoint"},
                {"help", "restore"},
                {"frob"},
                {"checkpoint"},
                {"checkpoint", "2147483647"},
                {"checkpoint", "not-a-pid"},
                {"restore", "x", "--pidns", "bogus"},
                {"restore", "x", "--pidns", "new", "--stdio", "null", "--detach", "--store", store},
                {"ls", "--help"},
                {"ls", "--store", store},
                {"ls", "--json", "--store", store},
                {"inspect", "deadbeef", "--store", store},
                {"rm", "deadbeef", "--store", store},
                {"verify", "--json", "--store", store},
                {"verify", "--quick", "--store", store},
        };
        try {
            for (String[] run : runs) {
                Main.run(run, sink, sink);
            }
            trainStore(dir.resolve("store"), dir.resolve("other"));
        } finally {
            try (Stream<Path> walk = Files.walk(dir)) {
                walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        // Like Main: System.exit loads the Runtime.exit logging machinery, which then comes from the cache.
        System.exit(0);
    }
}
