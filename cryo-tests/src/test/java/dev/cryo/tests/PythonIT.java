package dev.cryo.tests;

import java.nio.file.Path;
import java.util.List;

/** Checkpoint/restore of a real interpreter: CPython running workloads/py_threads.py (threads, a queue, the GIL). */
class PythonIT extends CheckpointRestoreContract {
    @Override
    List<String> command(Path dir) {
        return List.of(Repo.python(), Repo.workloadsDir().resolve("py_threads.py").toString());
    }
}
