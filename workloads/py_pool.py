#!/usr/bin/env python3
"""py_pool [N]: a multiprocessing.Pool of N worker processes (default 3) in the middle of work.

The main process keeps a stream of tasks in flight (imap over an endless generator, so tasks and
results are always queued in the pool's pipes), checks every result against its own computation,
and checks that the workers' PIDs stay the same. A multiprocessing.Value (shared memory with a
lock: a POSIX semaphore in /dev/shm) is incremented by every task; main checks it never goes back.
It prints `tick N ok pid=P` after every batch of results.
"""
import itertools
import multiprocessing as mp
import os
import sys
import time

counter = None


def init(shared):
    global counter
    counter = shared


def work(n):
    with counter.get_lock():
        counter.value += 1
    time.sleep(0.002)
    return n, sum(i * i for i in range(n % 500)), os.getpid()


def fail(why):
    sys.stdout.write("FAIL %s\n" % why)
    sys.stdout.flush()
    os._exit(1)


def main():
    workers = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    shared = mp.Value("q", 0)
    pool = mp.Pool(workers, initializer=init, initargs=(shared,))
    pids = set(p.pid for p in pool._pool)
    expect = 0
    last_count = 0
    tick = 0
    for n, result, pid in pool.imap(work, itertools.count(), chunksize=1):
        if n != expect:
            fail("result for task %d, expected task %d" % (n, expect))
        if result != sum(i * i for i in range(n % 500)):
            fail("task %d: wrong result %d" % (n, result))
        if pid not in pids:
            fail("task %d ran in pid %d, not one of the pool's %s" % (n, pid, sorted(pids)))
        expect += 1
        if expect % 20 == 0:
            now = shared.value
            if now < last_count or now < expect:
                fail("shared counter is %d (was %d, %d tasks done)" % (now, last_count, expect))
            last_count = now
            tick += 1
            sys.stdout.write("tick %d ok pid=%d\n" % (tick, os.getpid()))
            sys.stdout.flush()
            time.sleep(0.05)


if __name__ == "__main__":
    main()
