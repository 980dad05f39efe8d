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
                        reader.blob("mem/1").map().close(); // the restore's read path: profiles and linked calls
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

    /**
     * A real checkpoint and restore of a {@code sleep} started for it (through {@code cryo-helper spawn}: a
     * child of this JVM would have its ptrace stops taken by the JDK's process reaper), so that the
     * engine's classes (ptrace, injection, memory, stub, shaping) come loaded and linked, and their methods
     * profiled, instead of loaded cold by every command. Best effort, bounded in time: where it cannot run
     * (no ptrace, no helper) it is skipped. Both processes are killed by their PIDs.
     */
    private static void trainRestore(Path dir) {
        Thread t = Thread.ofPlatform().daemon().start(() -> checkpointAndRestore(dir));
        try {
            t.join(java.time.Duration.ofSeconds(60));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void checkpointAndRestore(Path dir) {
        long original = -1, restored = -1;
        try {
            if (System.getProperty("cryo.home") == null) {
                Path jar = Path.of(AotTraining.class.getProtectionDomain().getCodeSource().getLocation().toURI());
                System.setProperty("cryo.home", jar.getParent().getParent().getParent().toString());
            }
            Path helper = Path.of(System.getProperty("cryo.home"), "cryo-helper", "target", "cryo-helper");
            Process spawn = new ProcessBuilder(helper.toString(), "spawn", dir.resolve("sleep.log").toString(), "--",
                    "sleep", "600").redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String pid = new String(spawn.getInputStream().readAllBytes()).strip();
            if (spawn.waitFor() != 0 || !pid.matches("[0-9]+")) return;
            original = Long.parseLong(pid);
            String store = dir.resolve("engine").toString();
            PrintWriter sink = new PrintWriter(Writer.nullWriter());
            java.io.StringWriter id = new java.io.StringWriter();
            if (Main.run(new String[] {"checkpoint", "--store", store, pid}, new PrintWriter(id, true), sink) != 0) return;
            for (int i = 0; i < 500 && ProcessHandle.of(original).isPresent(); i++) Thread.sleep(10); // reaped by init
            java.io.StringWriter out = new java.io.StringWriter();
            Main.run(new String[] {"restore", "--store", store, "--detach", "--stdio", "null", lastLine(id)},
                    new PrintWriter(out, true), sink);
            if (lastLine(out).matches("[0-9]+")) restored = Long.parseLong(lastLine(out));
        } catch (IOException | RuntimeException | java.net.URISyntaxException e) {
            // no training for the engine: commands load it cold
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            for (long p : new long[] {original, restored}) {
                if (p > 0) ProcessHandle.of(p).ifPresent(ProcessHandle::destroyForcibly);
            }
        }
    }

    private static String lastLine(java.io.StringWriter w) {
        String[] lines = w.toString().strip().split("\n");
        return lines[lines.length - 1].strip();
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
            trainRestore(dir);
        } finally {
            try (Stream<Path> walk = Files.walk(dir)) {
                walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        // Like Main: System.exit loads the Runtime.exit logging machinery, which then comes from the cache.
        System.exit(0);
    }
}
