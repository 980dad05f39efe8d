package dev.cryo.tests;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Checkpoint/restore of a JVM (workloads/JvmWorkload.java): GC threads, JIT-compiled code, many threads.
 * -XX:-UsePerfData keeps this test about the JVM itself; JvmPerfDataIT covers the default, whose
 * /tmp/hsperfdata_USER/PID mapping any other JVM starting meanwhile deletes.
 */
class JvmIT extends CheckpointRestoreContract {
    @Override
    List<String> command(Path dir) {
        return List.of(Repo.JDK + "/bin/java", "-Xmx256m", "-XX:-UsePerfData", "-cp", Repo.workloadsDir().resolve("target").toString(), "JvmWorkload");
    }

    @Override
    Duration tickTimeout() {
        return Duration.ofSeconds(60);
    }
}
