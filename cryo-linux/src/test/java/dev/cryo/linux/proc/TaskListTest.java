package dev.cryo.linux.proc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TaskListTest {

    @Test
    void listsOwnThreadsIncludingANewOne() throws Exception {
        int pid = OwnFds.pid();
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        int[] tid = new int[1];
        Thread t = Thread.ofPlatform().name("tasklist-probe").start(() -> {
            tid[0] = Integer.parseInt(readLink("/proc/thread-self").getFileName().toString());
            started.countDown();
            await(release);
        });
        started.await();
        int[] tids = TaskList.tids(pid);
        release.countDown();
        t.join();
        assertEquals(pid, tids[0], "the leader has the lowest tid");
        assertTrue(Arrays.binarySearch(tids, tid[0]) >= 0, "the new thread " + tid[0] + " is listed");
        assertEquals(StatParser.read(pid).numThreads(), tids.length, 1.0 * tids.length / 2,
                "about as many as stat says (threads come and go)");
    }

    @Test
    void childrenOfTheThreadThatForked(@TempDir Path dir) throws Exception {
        try (SleepingChild a = new SleepingChild(dir, "child-a"); SleepingChild b = new SleepingChild(dir, "child-b")) {
            int[] children = TaskList.children(OwnFds.pid());
            assertTrue(Arrays.binarySearch(children, a.pid()) >= 0);
            assertTrue(Arrays.binarySearch(children, b.pid()) >= 0);
            assertArrayEquals(new int[0], TaskList.children(a.pid()), "sleep has no children");
        }
    }

    @Test
    void childrenAreListedUnderTheThreadThatStartedThem(@TempDir Path dir) throws Exception {
        int[] tid = new int[1];
        SleepingChild[] child = new SleepingChild[1];
        CountDownLatch spawned = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        // The spawner must stay alive while we look: when a thread exits, its children move to another thread
        // of the process.
        Thread spawner = Thread.ofPlatform().name("spawner").start(() -> {
            tid[0] = Integer.parseInt(readLink("/proc/thread-self").getFileName().toString());
            try {
                child[0] = new SleepingChild(dir, "by-spawner");
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            } finally {
                spawned.countDown();
            }
            await(release);
        });
        spawned.await();
        try (SleepingChild c = child[0]) {
            int pid = OwnFds.pid();
            int[] underSpawner = TaskList.children(pid, tid[0]);
            int[] underMain = TaskList.children(pid, pid);
            release.countDown();
            spawner.join();
            assertArrayEquals(new int[] {c.pid()}, underSpawner, "listed under the spawner");
            assertTrue(Arrays.stream(underMain).noneMatch(p -> p == c.pid()), "not under the main thread");
            // join() returns when the Java thread is done; the kernel may still be exiting the OS thread and
            // moving its children to another thread: wait for that, bounded
            long deadline = System.nanoTime() + 5_000_000_000L;
            boolean listed;
            while (!(listed = Arrays.stream(TaskList.children(pid)).anyMatch(p -> p == c.pid()))
                    && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertTrue(listed, "still a child of the process after the spawner exited");
        } finally {
            release.countDown();
        }
    }

    @Test
    void parsesChildrenText() {
        assertArrayEquals(new int[] {2345, 2346}, TaskList.parseChildren("2345 2346 "));
        assertArrayEquals(new int[0], TaskList.parseChildren(""));
    }

    @Test
    void goneThreadHasNoChildren() throws Exception {
        assertArrayEquals(new int[0], TaskList.children(OwnFds.pid(), Integer.MAX_VALUE));
    }

    private static Path readLink(String link) {
        try {
            return java.nio.file.Files.readSymbolicLink(Path.of(link));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
