package dev.cryo.tests;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A JVM with its default perf data: it maps /tmp/hsperfdata_USER/PID shared, and any JVM that starts
 * while it is dead deletes that file as stale. The checkpoint keeps the small file's content and the
 * restore re-creates it when it is gone, so the restore does not depend on which JVMs ran meanwhile.
 */
class JvmPerfDataIT {
    private static final Duration TICKS = Duration.ofSeconds(60);

    @TempDir
    Path tmp;

    private Workload jvm;

    @AfterEach
    void stop() {
        if (jvm != null) jvm.close();
    }

    @Test
    void aDeletedHsperfdataFileIsRecreated() throws Exception {
        jvm = Workload.start(tmp.resolve("jvm.log"), List.of(Repo.JDK + "/bin/java", "-Xmx256m", "-cp",
                Repo.workloadsDir().resolve("target").toString(), "JvmWorkload"));
        jvm.waitForTick(3, TICKS);
        Path perfData = Path.of("/tmp/hsperfdata_" + System.getProperty("user.name"), Long.toString(jvm.pid()));
        assertTrue(Files.exists(perfData), "the workload JVM maps " + perfData);

        Cli cli = new Cli(tmp.resolve("store"), tmp);
        CliResult ck = cli.run("checkpoint", Long.toString(jvm.pid()));
        assertEquals(0, ck.exitCode(), ck::toString);
        jvm.waitUntilGone(TICKS);
        long last = jvm.lastTick();
        Files.deleteIfExists(perfData); // what the next JVM to start would do

        CliResult r = cli.run("restore", "--detach", ck.lastLine());
        assertEquals(0, r.exitCode(), r::toString);
        assertEquals(Long.toString(jvm.pid()), r.lastLine(), "restored with its PID");
        assertTrue(Files.exists(perfData), "re-created " + perfData);
        Workload.await(() -> jvm.lastTick() > last + 3, TICKS, "ticks after the restore");
        jvm.assertNoFail();
        jvm.assertPidUnchanged();
    }
}
