package dev.cryo.tests;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Checkpoint/restore of a JVM (workloads/JvmWorkload.java): GC threads, JIT-compiled code, many threads.
 * -XX:-UsePerfData: otherwise the JVM maps /tmp/hsperfdata_root/PID, and any other JVM starting while
 * this one is dead deletes that file as stale, so whether the restore finds it would be luck.
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
