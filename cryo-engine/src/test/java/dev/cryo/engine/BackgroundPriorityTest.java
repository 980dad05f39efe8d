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

    /** The kernel's view: the thread and the threads it starts are niced and in the weighted group, then back. */
    @Test
    void theThreadAndItsNewThreadsRunInTheWeightedGroupUntilClosed() throws Exception {
        assumeTrue(Files.exists(Path.of("/sys/fs/cgroup/cpu/cpu.shares")), "no cgroup v1 cpu hierarchy");
        assumeTrue(System.getenv("CRYO_WRITE_NICE") == null && System.getenv("CRYO_WRITE_CPU_GROUP") == null,
                "another background priority asked for");
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread t = Thread.ofPlatform().start(() -> {
            try {
                String home = cpuGroup();
                int nice = TaskAttributes.nice(0);
                BackgroundPriority p = BackgroundPriority.enter();
                assertNotNull(p);
                assertEquals("/cryo-background-nice10", cpuGroup());
                assertEquals(19, TaskAttributes.nice(0));
                assertEquals("110", Files.readString(Path.of("/sys/fs/cgroup/cpu/cryo-background-nice10/cpu.shares")).strip());
                AtomicReference<String> child = new AtomicReference<>();
                Thread.ofPlatform().start(() -> {
                    try {
                        child.set(cpuGroup() + " " + TaskAttributes.nice(0));
                    } catch (Exception e) {
                        child.set(e.toString());
                    }
                }).join();
                assertEquals("/cryo-background-nice10 19", child.get());
                p.close();
                assertEquals(home, cpuGroup());
                assertEquals(nice, TaskAttributes.nice(0));
            } catch (Throwable e) {
                failure.set(e);
            }
        });
        t.join();
        if (failure.get() != null) throw new AssertionError(failure.get());
    }
}
