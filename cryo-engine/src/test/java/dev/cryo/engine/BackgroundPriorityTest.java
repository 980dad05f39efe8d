package dev.cryo.engine;

import dev.cryo.linux.process.TaskAttributes;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class BackgroundPriorityTest {
    private static String cpuGroup() throws Exception {
        for (String l : Files.readAllLines(Path.of("/proc/thread-self/cgroup"))) {
            String[] f = l.split(":", 3);
            for (String c : f[1].split(",")) if (c.equals("cpu")) return f[2];
        }
        return null;
    }

    /** Runs {@code body} on a new platform thread, rethrowing what it threw. */
    private static void onThread(ThrowingRunnable body) throws Exception {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread.ofPlatform().start(() -> {
            try {
                body.run();
            } catch (Throwable e) {
                failure.set(e);
            }
        }).join();
        if (failure.get() != null) throw new AssertionError(failure.get());
    }

    private interface ThrowingRunnable {
        void run() throws Exception;
    }

    /** The kernel's view: the thread and the threads it starts are in the weighted group, then it is back. */
    @Test
    void theThreadAndItsNewThreadsRunInTheWeightedGroupUntilItLeaves() throws Exception {
        assumeTrue(Files.exists(Path.of("/sys/fs/cgroup/cpu/cpu.shares")), "no cgroup v1 cpu hierarchy");
        onThread(() -> {
            String home = cpuGroup();
            BackgroundCpuGroup g = BackgroundCpuGroup.join(10);
            assertNotNull(g);
            assertEquals("/cryo-background-nice10", cpuGroup());
            Path shares = Path.of("/sys/fs/cgroup/cpu/cryo-background-nice10/cpu.shares");
            assertEquals("110", Files.readString(shares).strip());
            AtomicReference<String> child = new AtomicReference<>();
            onThread(() -> child.set(cpuGroup()));
            assertEquals("/cryo-background-nice10", child.get());
            g.leave();
            assertEquals(home, cpuGroup());
        });
    }

    @Test
    void theThreadIsNicedUntilClosed() throws Exception {
        assumeTrue(System.getenv("CRYO_WRITE_NICE") == null, "another nice value asked for");
        onThread(() -> {
            int nice = TaskAttributes.nice(0);
            BackgroundPriority p = BackgroundPriority.enter();
            assertNotNull(p);
            assertEquals(19, TaskAttributes.nice(0));
            p.close();
            assertEquals(nice, TaskAttributes.nice(0));
        });
    }
}
