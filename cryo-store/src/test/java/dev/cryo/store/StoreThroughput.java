package dev.cryo.store;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Run by {@code bench/store-throughput.sh}: the store's write path (zero check, hash, dedup, compress,
 * pack, fsync, commit) and read path (read, decompress, hash check) on synthetic pages held in native
 * memory, as the engine hands them over: {@code MIX MiB COMPRESSION DIR}. Mixes: random (incompressible),
 * heap (compressible: small integers and pointers, like a process heap), zero, dup (the same 64 pages over
 * and over), mixed (1/4 each). Prints one line per pass: the first pass runs in a cold JVM, as a
 * {@code cryo} command does; later passes show the warmed-up rate.
 */
public final class StoreThroughput {
    /** {@code -Dbench.read=false}: the write path only (profiling it). */
    private static final boolean READ = !"false".equals(System.getProperty("bench.read"));

    private static long cpu() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /** User and system CPU seconds of this process so far (/proc/self/stat, 10 ms ticks). */
    private static double[] userSys() throws java.io.IOException {
        String stat = Files.readString(Path.of("/proc/self/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return new double[] {Long.parseLong(f[11]) / 100.0, Long.parseLong(f[12]) / 100.0};
    }

    static void fill(MemorySegment mem, String mix, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        long pages = mem.byteSize() / 4096;
        for (long p = 0; p < pages; p++) {
            String kind = mix.equals("mixed") ? new String[] {"random", "heap", "zero", "dup"}[(int) (p & 3)] : mix;
            long base = p * 4096;
            switch (kind) {
                case "random" -> {
                    for (int j = 0; j < 4096; j += 8) {
                        mem.set(ValueLayout.JAVA_LONG_UNALIGNED, base + j, r.nextLong());
                    }
                }
                case "heap" -> {
                    for (int j = 0; j < 4096; j += 8) {
                        long v = switch (r.nextInt(4)) {
                            case 0 -> r.nextInt(256);                          // small integers
                            case 1 -> 0x00007f3a_00000000L + r.nextInt(1 << 20) * 16L; // pointers into a heap
                            case 2 -> 0;
                            default -> p * 31 + j;                              // counters
                        };
                        mem.set(ValueLayout.JAVA_LONG_UNALIGNED, base + j, v);
                    }
                }
                case "zero" -> mem.asSlice(base, 4096).fill((byte) 0);
                case "dup" -> {
                    SplittableRandom d = new SplittableRandom(p % 64);
                    for (int j = 0; j < 4096; j += 8) {
                        mem.set(ValueLayout.JAVA_LONG_UNALIGNED, base + j, d.nextLong());
                    }
                }
                default -> throw new IllegalArgumentException("mix: random|heap|zero|dup|mixed");
            }
        }
    }

    public static void main(String[] args) throws Exception {
        String mix = args[0];
        long size = Long.parseLong(args[1]) << 20;
        Compression compression = Compression.valueOf(args[2].toUpperCase());
        Path dir = Path.of(args[3]);
        int passes = args.length > 4 ? Integer.parseInt(args[4]) : 2;
        MemorySegment mem = Arena.global().allocate(size, 4096);
        fill(mem, mix, 7);
        ByteBuffer back = ByteBuffer.allocateDirect(64 << 20);
        // the passes run on a thread of their own, so a profiler tells their samples from the fill's
        Exception[] failed = new Exception[1];
        Thread writer = new Thread(() -> {
            try {
                passes(mix, size, compression, dir, passes, mem, back);
            } catch (Exception e) {
                failed[0] = e;
            }
        }, "bench-passes");
        writer.start();
        writer.join();
        if (failed[0] != null) {
            throw failed[0];
        }
    }

    private static void passes(String mix, long size, Compression compression, Path dir, int passes, MemorySegment mem,
            ByteBuffer back) throws Exception {
        for (int pass = 1; pass <= passes; pass++) {
            Path storeDir = dir.resolve("store-" + pass);
            try (Store store = Store.open(storeDir)) {
                long t0 = System.nanoTime();
                long c0 = cpu();
                double[] us0 = userSys();
                CheckpointInfo info;
                try (CheckpointWriter w = store.begin(compression)) {
                    BlobWriter b = w.blob("mem/1");
                    for (long off = 0; off < size; off += 16 << 20) {
                        b.write(mem.asSlice(off, Math.min(16 << 20, size - off)).asByteBuffer());
                    }
                    info = w.commit(new byte[] {1}, Map.of());
                }
                double ws = (System.nanoTime() - t0) / 1e9;
                double wc = (cpu() - c0) / 1e9;
                double[] us1 = userSys();
                if (!READ) {
                    System.out.printf("mix=%s size=%dMiB compression=%s pass=%d%s write=%.3fs (%.2f GB/s, cpu %.2fs: "
                            + "user %.2f sys %.2f) stored=%dMiB%n", mix, size >> 20, compression.name().toLowerCase(),
                            pass, pass == 1 ? " (cold)" : "", ws, size / ws / 1e9, wc, us1[0] - us0[0], us1[1] - us0[1],
                            info.addedBytes() >> 20);
                    delete(storeDir);
                    continue;
                }
                t0 = System.nanoTime();
                c0 = cpu();
                try (CheckpointReader cr = store.open(info.id())) {
                    BlobReader br = cr.blob("mem/1");
                    for (long off = 0; off < size; off += back.capacity()) {
                        back.clear().limit((int) Math.min(back.capacity(), size - off));
                        br.read(off, back);
                        if (pass == 1 && MemorySegment.ofBuffer(back.flip()).mismatch(mem.asSlice(off, back.limit())) >= 0) {
                            throw new IllegalStateException("read back differs at " + off);
                        }
                    }
                }
                double rs = (System.nanoTime() - t0) / 1e9;
                double rc = (cpu() - c0) / 1e9;
                System.out.printf("mix=%s size=%dMiB compression=%s pass=%d%s write=%.3fs (%.2f GB/s, cpu %.2fs) "
                        + "stored=%dMiB read=%.3fs (%.2f GB/s, cpu %.2fs)%n", mix, size >> 20,
                        compression.name().toLowerCase(), pass, pass == 1 ? " (cold)" : "", ws, size / ws / 1e9, wc,
                        info.addedBytes() >> 20, rs, size / rs / 1e9, rc);
            }
            delete(storeDir);
        }
    }

    private static void delete(Path storeDir) throws java.io.IOException {
        try (var walk = Files.walk(storeDir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
