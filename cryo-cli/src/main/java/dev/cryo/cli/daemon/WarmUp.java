package dev.cryo.cli.daemon;

import dev.cryo.cli.Main;
import dev.cryo.engine.HelperBinary;
import dev.cryo.store.CheckpointInfo;
import dev.cryo.store.CheckpointReader;
import dev.cryo.store.CheckpointWriter;
import dev.cryo.store.Store;

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * Before the daemon answers, it takes a few real checkpoints and restores of a process of its own (a paused
 * {@code sleep}) in a scratch store: classes load, FFM downcalls link, the JIT sees the hot paths,
 * so that even the first request runs warm. Failures only cost warmth: they are logged.
 */
final class WarmUp {
    private static final int ROUNDS = 3;
    /** A plain program everywhere (cryo-helper itself cannot be restored: its exe is the stub's). */
    private static final String SLEEPER = "/bin/sleep";

    private WarmUp() {}

    static void run(PrintStream log) {
        long t0 = System.nanoTime();
        Path dir = null;
        try {
            dir = Files.createTempDirectory("cryo-daemon-warm-up-");
            String store = dir.resolve("store").toString();
            for (int i = 0; i < ROUNDS; i++) {
                round(store);
            }
            pages(dir.resolve("pages"));
            for (String[] line : List.of(new String[] {"ls", "--json", "--store", store}, new String[] {"verify", "--store", store},
                    new String[] {"gc", "--store", store}, new String[] {"inspect", "nothing", "--store", store})) {
                Main.run(line, sink(), sink());
            }
            log.printf("cryo: daemon: warmed up in %.1f s%n", (System.nanoTime() - t0) / 1e9);
        } catch (Exception e) {
            log.println("cryo: daemon: warm-up failed (the first requests run colder): " + e.getMessage());
        } finally {
            if (dir != null) delete(dir);
        }
    }

    /** Spawns a paused process, checkpoints it twice (the second time killing it), restores it, kills that. */
    private static void round(String store) throws Exception {
        Path helper = HelperBinary.path("daemon warm-up");
        Process spawn = new ProcessBuilder(helper.toString(), "spawn", "/dev/null", "--", SLEEPER, "1000000")
                .redirectErrorStream(true).start();
        String pid = new String(spawn.getInputStream().readAllBytes()).strip();
        if (spawn.waitFor() != 0) throw new IOException("cannot spawn a process to warm up on: " + pid);
        Long restored = null;
        try {
            Main.run(new String[] {"checkpoint", "--leave-running", "--store", store, pid}, sink(), sink());
            StringWriter out = new StringWriter();
            if (Main.run(new String[] {"checkpoint", "--store", store, pid}, new PrintWriter(out), sink()) != 0) {
                throw new IOException("a checkpoint failed");
            }
            String id = out.toString().strip().lines().toList().getLast().strip(); // by contract, the last line
            StringWriter r = new StringWriter();
            if (Main.run(new String[] {"restore", "--detach", "--stdio", "null", "--store", store, id},
                    new PrintWriter(r), sink()) != 0) {
                throw new IOException("the restore failed");
            }
            restored = Long.parseLong(r.toString().strip().lines().toList().getLast().strip());
        } finally {
            ProcessHandle.of(Long.parseLong(pid)).ifPresent(ProcessHandle::destroyForcibly);
            if (restored != null) ProcessHandle.of(restored).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    /** Pages of data the per-page warm-up goes through, per round: 48 MiB. */
    private static final int PAGES = 12 * 1024;
    private static final int PAGE_ROUNDS = 3;

    /**
     * The per-page loops of a large checkpoint and restore (hashing, packing, the restore's lookup and verify
     * pass over mapped packs) on {@link #PAGE_ROUNDS} x 48 MiB of page-like data (random, compressible and
     * zero pages): the sleeper's few pages leave them interpreted or barely compiled, and the first large
     * restores then paid for the JIT (verifying 256 MiB took 130-170 ms of CPU in the first two, 70-90 once
     * warm; with this, 75-90 from the first). Half of the pages are new in every round, so the write path
     * (frames, packs) runs on 24 MiB per round, not only in the first.
     */
    private static void pages(Path storeDir) throws IOException {
        ByteBuffer mem = ByteBuffer.allocateDirect(PAGES * 4096);
        SplittableRandom random = new SplittableRandom(42);
        for (int p = 0; p < PAGES; p++) {
            for (int j = 0; j < 4096; j += 8) {
                long v = switch (p % 4) {
                    case 0, 1 -> random.nextLong();
                    case 2 -> p * 31L + (j & 0xFF);
                    default -> 0;
                };
                mem.putLong(p * 4096 + j, v);
            }
        }
        try (Store store = Store.open(storeDir)) {
            for (int round = 0; round < PAGE_ROUNDS; round++) {
                // every round writes new random and compressible pages (the write path: hash, frames, packs, as a
                // large checkpoint does) and finds the other random ones in the index (the dedup path)
                for (int p = 0; p < PAGES; p += 2) {
                    mem.putLong(p * 4096 + 8, round + 1);
                }
                CheckpointInfo info;
                try (CheckpointWriter w = store.begin()) {
                    w.blob("mem/1").write(mem.duplicate());
                    info = w.commit(new byte[] {1}, java.util.Map.of("name", "warm-up"));
                }
                try (CheckpointReader reader = store.open(info.id())) {
                    reader.blob("mem/1").map().close();
                }
            }
        }
    }

    private static PrintWriter sink() {
        return new PrintWriter(Writer.nullWriter());
    }

    private static void delete(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a scratch directory in /tmp
        }
    }
}
