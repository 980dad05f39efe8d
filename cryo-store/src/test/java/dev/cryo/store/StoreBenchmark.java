package dev.cryo.store;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Run by hand: {@code java -cp ... dev.cryo.store.StoreBenchmark [MiB] [dir]}. Writes a checkpoint of MiB
 * of memory-like pages (1/4 zero, 1/4 random, 1/2 compressible) from a direct buffer the way the engine
 * does, writes it again (all duplicates), then reads it back, and prints wall and CPU rates (the machine
 * may be shared). Properties: {@code -Dcryo.store.compression=auto|lz4|none}, {@code -Dcryo.store.lz4=fastest},
 * {@code -Dcryo.store.trace=true} (commit phases), {@code -Dbench.writeOnly=true}.
 * Classpath: cryo-store/target/classes, cryo-store/target/test-classes and the lz4-java jar.
 */
public final class StoreBenchmark {
    /** CPU time of this process: the machine is shared, so wall time alone says little. */
    static long cpu() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime();
    }

    public static void main(String[] args) throws Exception {
        int mib = args.length > 0 ? Integer.parseInt(args[0]) : 1024;
        Path dir = args.length > 1 ? Path.of(args[1]) : Files.createTempDirectory("cryo-bench");
        long size = (long) mib << 20;
        ByteBuffer mem = ByteBuffer.allocateDirect(Math.toIntExact(size));
        SplittableRandom r = new SplittableRandom(7);
        byte[] page = new byte[4096];
        for (int p = 0; p < size / 4096; p++) {
            int kind = (int) ((p * 2654435761L) >>> 8) & 3;
            if (kind == 0) {
                java.util.Arrays.fill(page, (byte) 0);
            } else if (kind == 1) {
                r.nextBytes(page);
            } else {
                for (int j = 0; j < 4096; j += 8) {
                    long v = (j % 64 == 0) ? r.nextLong() & 0xFFFFL : p * 31L + j / 64;
                    for (int b = 0; b < 8; b++) {
                        page[j + b] = (byte) (v >>> (8 * b));
                    }
                }
            }
            mem.put(p * 4096, page);
        }
        System.out.printf("data: %d MiB in %s, %d cores%n", mib, dir, Runtime.getRuntime().availableProcessors());
        for (int fresh = 0; fresh < 3; fresh++) {
        try (Store store = Store.open(dir.resolve("store" + fresh))) {
            for (int round = 0; round < 2; round++) {
                long t0 = System.nanoTime();
                long c0 = cpu();
                CheckpointInfo info;
                try (CheckpointWriter w = store.begin()) {
                    BlobWriter b = w.blob("mem/1");
                    int slice = 2 << 20;
                    for (long off = 0; off < size; off += slice) {
                        b.write(mem.slice((int) off, (int) Math.min(slice, size - off)));
                    }
                    info = w.commit(new byte[] {1}, Map.of("name", "bench"));
                }
                double s = (System.nanoTime() - t0) / 1e9;
                double cs = (cpu() - c0) / 1e9;
                System.out.printf("store %d write %s: %.3f s, %.2f GB/s, cpu %.2f s (%.2f GB/s per cpu-second), added %d MiB%n",
                        fresh, round == 0 ? "new " : "same", s, size / s / 1e9, cs, size / cs / 1e9, info.addedBytes() >> 20);
                if (Boolean.getBoolean("bench.writeOnly")) {
                    continue;
                }
                t0 = System.nanoTime();
                c0 = cpu();
                ByteBuffer back = ByteBuffer.allocateDirect(16 << 20);
                try (CheckpointReader cr = store.open(info.id())) {
                    BlobReader br = cr.blob("mem/1");
                    for (long off = 0; off < size; off += back.capacity()) {
                        back.clear().limit((int) Math.min(back.capacity(), size - off));
                        br.read(off, back);
                        if (round == 0) {
                            back.flip();
                            if (!back.equals(mem.slice((int) off, back.remaining()))) {
                                throw new IllegalStateException("mismatch at " + off);
                            }
                        }
                    }
                }
                s = (System.nanoTime() - t0) / 1e9;
                cs = (cpu() - c0) / 1e9;
                System.out.printf("store %d read: %.3f s, %.2f GB/s, cpu %.2f s (%.2f GB/s per cpu-second)%n", fresh, s,
                        size / s / 1e9, cs, size / cs / 1e9);
            }
            long t0 = System.nanoTime();
            VerifyReport v = store.verify(null, false);
            System.out.printf("verify full: %.3f s ok=%s%n", (System.nanoTime() - t0) / 1e9, v.ok());
        }
        }
    }
}
