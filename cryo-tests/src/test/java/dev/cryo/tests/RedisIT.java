package dev.cryo.tests;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real server: redis-server 7 (Debian's package; ./test.sh installs it) with 100,000 keys, persistence off,
 * listening on IPv4 and IPv6 loopback, with its background threads, epoll and pipes. After a restore every key is
 * back, both listeners answer on the same port, and it takes writes.
 */
class RedisIT {
    private static final int KEYS = 100_000;
    private static final Path REDIS = Path.of("/usr/bin/redis-server");

    @TempDir
    Path tmp;

    private Cli cli;
    private Workload redis;
    private int port;

    @BeforeEach
    void startRedis() throws IOException {
        assertTrue(Files.isExecutable(REDIS), "redis-server is not installed (./test.sh installs it: apt-get install redis-server)");
        cli = new Cli(tmp.resolve("store"), tmp);
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        redis = Workload.start(tmp.resolve("redis.log"), List.of(REDIS.toString(), "--port", Integer.toString(port),
                "--bind", "127.0.0.1 -::1", "--save", "", "--appendonly", "no", "--daemonize", "no", "--dir", tmp.toString()));
        Workload.await(this::answers, Duration.ofSeconds(30), "redis-server to answer on port " + port);
        try (RedisClient c = client("127.0.0.1")) {
            for (int i = 0; i < KEYS; i++) c.send("SET", "key:" + i, "value:" + i);
            c.flush();
            for (int i = 0; i < KEYS; i++) assertEquals("OK", c.reply());
            assertEquals(Integer.toString(KEYS), c.call("DBSIZE"));
        }
    }

    @AfterEach
    void stopRedis() {
        if (redis != null) redis.close();
    }

    @Test
    void checkpointKillRestoreBringsBackEveryKey() throws IOException {
        String id = cli.checkpoint(redis.pid());
        redis.waitUntilDead(Duration.ofSeconds(10));
        assertEquals(redis.pid(), cli.restoreDetached(id), "restored PID");
        assertAllKeysAndWritable();
        redis.assertRunningUntraced();
    }

    @Test
    void leaveRunningKeepsServingAndItsCheckpointRestoresTheStateOfThatMoment() throws IOException {
        String id = cli.checkpoint(redis.pid(), "--leave-running");
        redis.assertRunningUntraced();
        try (RedisClient c = client("127.0.0.1")) {
            assertEquals("OK", c.call("SET", "after-checkpoint", "1"));
            assertEquals(Integer.toString(KEYS + 1), c.call("DBSIZE"));
        }
        redis.stop();
        redis.waitUntilGone(Duration.ofSeconds(30));
        assertEquals(redis.pid(), cli.restoreDetached(id), "restored PID");
        try (RedisClient c = client("127.0.0.1")) {
            assertNull(c.call("GET", "after-checkpoint"), "a key written after the checkpoint is not in it");
        }
        assertAllKeysAndWritable();
        redis.assertRunningUntraced();
    }

    @Test
    void aRestoredRedisCanBeCheckpointedAgain() throws IOException {
        String first = cli.checkpoint(redis.pid());
        redis.waitUntilDead(Duration.ofSeconds(10));
        cli.restoreDetached(first);
        try (RedisClient c = client("::1")) {
            assertEquals("OK", c.call("SET", "between", "restores"));
        }
        String second = cli.checkpoint(redis.pid());
        redis.waitUntilDead(Duration.ofSeconds(10));
        assertEquals(redis.pid(), cli.restoreDetached(second), "restored PID");
        try (RedisClient c = client("127.0.0.1")) {
            assertEquals("restores", c.call("GET", "between"));
        }
        assertAllKeysAndWritable();
    }

    private void assertAllKeysAndWritable() throws IOException {
        for (String host : List.of("127.0.0.1", "::1")) {
            try (RedisClient c = client(host)) {
                assertEquals("PONG", c.call("PING"), "redis answers on " + host + " port " + port);
            }
        }
        try (RedisClient c = client("127.0.0.1")) {
            for (int i = 0; i < KEYS; i++) c.send("GET", "key:" + i);
            c.flush();
            for (int i = 0; i < KEYS; i++) assertEquals("value:" + i, c.reply(), "key:" + i);
            assertEquals("OK", c.call("SET", "written-after-restore", "yes"));
            assertEquals("yes", c.call("GET", "written-after-restore"));
            assertTrue(Long.parseLong(c.call("DBSIZE")) >= KEYS + 1);
        }
        assertTrue(redis.alive(), "redis-server still runs\n" + redis.tail());
    }

    private boolean answers() {
        try (RedisClient c = client("127.0.0.1")) {
            return "PONG".equals(c.call("PING"));
        } catch (IOException e) {
            return false;
        }
    }

    private RedisClient client(String host) throws IOException {
        return new RedisClient(host, port);
    }
}
