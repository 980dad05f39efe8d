import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * JvmWorkload [N]: a JVM speaking the workloads' line protocol ({@code tick N ok pid=P}).
 *
 * <p>N churn threads (default 4) allocate and drop garbage all the time, so the GC runs across a
 * checkpoint; each keeps a long-lived list of arrays whose contents it checks. One thread runs a
 * hot arithmetic loop (JIT-compiled after a few thousand rounds) whose result is checked against
 * a closed form. A producer/consumer pair hands numbers over a blocking queue. Main prints a tick
 * only when every thread has moved on since the last one. Waits count short sleeps: a clock keeps
 * running while the process is frozen, a count of sleeps does not.
 */
public final class JvmWorkload {
    private static final int WAIT_POLLS = 4000;
    private static final long POLL_MS = 5;

    private JvmWorkload() {}

    static void fail(String why) {
        System.out.println("FAIL " + why);
        System.out.flush();
        Runtime.getRuntime().halt(1);
    }

    static long pattern(long seed, long i) {
        long x = (i + 1) * 0x9E3779B97F4A7C15L ^ seed;
        return (x ^ (x >>> 29)) | 1;
    }

    /** Allocates garbage and checks a long-lived structure that the GC keeps moving. */
    static final class Churn extends Thread {
        final int idx;
        final AtomicLong rounds = new AtomicLong();
        final List<long[]> kept = new ArrayList<>();

        Churn(int idx) {
            super("churn-" + idx);
            this.idx = idx;
            setDaemon(true);
            for (int a = 0; a < 64; a++) {
                long[] arr = new long[2048];
                for (int i = 0; i < arr.length; i++) arr[i] = pattern(idx * 1000L + a, i);
                kept.add(arr);
            }
        }

        @Override public void run() {
            long sink = 0;
            while (true) {
                for (int g = 0; g < 200; g++) {          // ~2 MB of garbage per round
                    byte[] garbage = new byte[8192 + g];
                    garbage[g] = (byte) g;
                    sink += garbage[g];
                }
                for (int a = 0; a < kept.size(); a++) {
                    long[] arr = kept.get(a);
                    for (int i = 0; i < arr.length; i++)
                        if (arr[i] != pattern(idx * 1000L + a, i)) fail("churn " + idx + ": array " + a + " word " + i + " changed");
                }
                if (sink < 0) fail("churn " + idx + ": impossible sum");
                rounds.incrementAndGet();
                sleepMs(5);
            }
        }
    }

    /** A loop hot enough to be JIT-compiled; its result has a closed form to check against. */
    static final class Hot extends Thread {
        final AtomicLong rounds = new AtomicLong();

        Hot() { super("hot"); setDaemon(true); }

        static long sumOfSquares(long n) {
            long s = 0;
            for (long i = 1; i <= n; i++) s += i * i;
            return s;
        }

        @Override public void run() {
            while (true) {
                for (int k = 0; k < 50; k++) {
                    long n = 10_000 + (rounds.get() + k) % 1000;
                    long got = sumOfSquares(n);
                    long want = n * (n + 1) * (2 * n + 1) / 6;
                    if (got != want) fail("hot loop: sum of squares to " + n + " is " + got + ", expected " + want);
                }
                rounds.incrementAndGet();
                sleepMs(2);
            }
        }
    }

    static void sleepMs(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            fail("interrupted");
        }
    }

    static void waitChange(AtomicLong counter, long seen, String what) {
        for (int i = 0; i < WAIT_POLLS; i++) {
            if (counter.get() != seen) return;
            sleepMs(POLL_MS);
        }
        fail(what + " made no progress (still " + seen + ")");
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 4;
        List<Churn> churns = new ArrayList<>();
        for (int i = 0; i < n; i++) churns.add(new Churn(i));
        churns.forEach(Thread::start);
        Hot hot = new Hot();
        hot.start();
        BlockingQueue<Long> queue = new ArrayBlockingQueue<>(4);
        AtomicLong consumed = new AtomicLong();
        Thread producer = new Thread(() -> {
            for (long v = 0; ; v++) {
                try {
                    queue.put(v);
                } catch (InterruptedException e) {
                    fail("producer interrupted");
                }
                sleepMs(3);
            }
        }, "producer");
        Thread consumer = new Thread(() -> {
            while (true) {
                long v;
                try {
                    v = queue.take();
                } catch (InterruptedException e) {
                    fail("consumer interrupted");
                    return;
                }
                if (v != consumed.get()) fail("consumer got " + v + ", expected " + consumed.get());
                consumed.incrementAndGet();
            }
        }, "consumer");
        producer.setDaemon(true);
        consumer.setDaemon(true);
        producer.start();
        consumer.start();

        long pid = ProcessHandle.current().pid();
        long tick = 0;
        while (true) {
            long[] seen = new long[n];
            for (int i = 0; i < n; i++) seen[i] = churns.get(i).rounds.get();
            long hotSeen = hot.rounds.get(), consumedSeen = consumed.get();
            for (int i = 0; i < n; i++) waitChange(churns.get(i).rounds, seen[i], "churn thread " + i);
            waitChange(hot.rounds, hotSeen, "hot loop thread");
            waitChange(consumed, consumedSeen, "queue consumer");
            if (ProcessHandle.current().pid() != pid) fail("pid changed");
            tick++;
            System.out.println("tick " + tick + " ok pid=" + pid);
            System.out.flush();
            sleepMs(50);
        }
    }
}
