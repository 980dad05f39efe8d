package dev.cryo.tests;

import java.nio.file.Path;
import java.util.List;

/**
 * A Python multiprocessing.Pool in the middle of work (workloads/py_pool.py): the parent and its worker
 * processes, tasks and results in flight in the pool's pipes, POSIX semaphores and a shared Value
 * (MAP_SHARED files in /dev/shm, deleted) shared by all of them.
 */
class PythonPoolIT extends CheckpointRestoreContract {
    @Override
    List<String> command(Path dir) {
        return List.of(Repo.python(), Repo.workloadsDir().resolve("py_pool.py").toString());
    }
}
