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

    /**
     * Clients outside the checkpoint stay connected across a kill and restore when they send nothing while
     * redis is down: its sockets were closed in repair mode (no FIN or RST reached them), and the restored
     * ones carry on the same connections.
     */
    @Test
    void clientsConnectedOverIpv4AndIpv6GoOnAfterCheckpointKillRestore() throws IOException {
        try (RedisClient four = client("127.0.0.1"); RedisClient six = client("::1")) {
            assertEquals("OK", four.call("SET", "held", "over ipv4"));
            assertEquals("OK", six.call("SET", "held6", "over ipv6"));
            String id = cli.checkpoint(redis.pid());
            redis.waitUntilDead(Duration.ofSeconds(10));
            assertEquals(redis.pid(), cli.restoreDetached(id), "restored PID");
            assertEquals("over ipv6", four.call("GET", "held6"));
            assertEquals("over ipv4", six.call("GET", "held"));
            assertEquals("OK", four.call("SET", "after", "restore"));
        }
        assertAllKeysAndWritable();
        redis.assertRunningUntraced();
    }

    /**
     * Checkpoints left running while redis-benchmark's clients are connected and sending: each checkpoint
     * takes their connections (in repair mode) and gives them back untouched; the benchmark ends without an
     * error.
     */
    @Test
    void leaveRunningCheckpointsDuringRedisBenchmarkDoNotDisturbIt() throws Exception {
        Path log = tmp.resolve("benchmark.log");
        Process bench = new ProcessBuilder("/usr/bin/redis-benchmark", "-p", Integer.toString(port), "-c", "20",
                "-n", "400000", "-t", "set,get", "-r", "100000", "-q")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            Workload.await(() -> clients() >= 21 || !bench.isAlive(), Duration.ofSeconds(30),
                    "redis-benchmark's 20 connections");
            for (int i = 0; i < 3; i++) {
                assertTrue(i > 0 || bench.isAlive(), "redis-benchmark ended before a checkpoint\n" + Files.readString(log));
                cli.checkpoint(redis.pid(), "--leave-running");
                redis.assertRunningUntraced();
            }
            assertTrue(bench.waitFor(180, java.util.concurrent.TimeUnit.SECONDS), "redis-benchmark finishes");
            String out = Files.readString(log);
            assertEquals(0, bench.exitValue(), out);
            assertTrue(out.contains("SET:") && out.contains("GET:") && !out.toLowerCase().contains("error"), out);
        } finally {
            bench.destroyForcibly();
        }
        assertAllKeysAndWritable();
    }

    /** connected_clients from INFO (this query's own connection included), or -1. */
    private int clients() {
        try (RedisClient c = client("127.0.0.1")) {
            for (String line : c.call("INFO", "clients").split("\n")) {
                if (line.startsWith("connected_clients:")) return Integer.parseInt(line.substring(18).strip());
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
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
