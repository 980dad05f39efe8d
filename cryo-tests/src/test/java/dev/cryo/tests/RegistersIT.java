package dev.cryo.tests;

import java.nio.file.Path;
import java.util.List;

/** Checkpoint/restore of workloads/regs01.c: general, SSE/AVX and x87 registers and MXCSR held across a blocking syscall, per thread. */
class RegistersIT extends CheckpointRestoreContract {
    @Override
    List<String> command(Path dir) {
        return List.of(Repo.workload("regs01").toString());
    }
}
