#!/usr/bin/env python3
"""py_threads [N]: a CPython workload speaking the same line protocol as the C ones.

N worker threads (default 4) each keep their own state (a list of numbers, a dict, a bytearray,
a counter) and check it in their own loop; each records its native thread id at start, which must
not change across a restore. A producer/consumer pair hands items over a queue.Queue (a lock and
condition variables underneath). Main prints `tick N ok pid=P` only when every worker and the
consumer have moved on since the last tick, and after re-checking everything itself.
Waits are bounded by counting short sleeps, not by a clock that runs on while the process is frozen.
"""
import os
import queue
import sys
import threading
import time

TICK = 0.05
POLL = 0.005
WAIT_POLLS = 2000


def fail(why):
    sys.stdout.write("FAIL %s\n" % why)
    sys.stdout.flush()
    os._exit(1)


def expected_list(idx):
    return [(i * 2654435761 + idx) % 1000003 for i in range(2000)]


class Worker(threading.Thread):
    def __init__(self, idx):
        super().__init__(daemon=True, name="worker-%d" % idx)
        self.idx = idx
        self.rounds = 0
        self.tid = None
        self.numbers = expected_list(idx)
        self.table = {"k%d" % i: i * idx for i in range(500)}
        self.blob = bytearray((i * 7 + idx) & 0xFF for i in range(16384))

    def check(self):
        if self.numbers != expected_list(self.idx):
            fail("thread %d: list changed" % self.idx)
        if any(self.table["k%d" % i] != i * self.idx for i in range(500)) or len(self.table) != 500:
            fail("thread %d: dict changed" % self.idx)
        if self.blob != bytearray((i * 7 + self.idx) & 0xFF for i in range(16384)):
            fail("thread %d: bytearray changed" % self.idx)

    def run(self):
        self.tid = threading.get_native_id()
        while True:
            if threading.get_native_id() != self.tid:
                fail("thread %d: native id is %d, was %d" % (self.idx, threading.get_native_id(), self.tid))
            self.check()
            self.rounds += 1
            time.sleep(0.01)


class Handoff:
    """producer puts 0, 1, 2... on a bounded queue; consumer checks it gets exactly that order."""

    def __init__(self):
        self.q = queue.Queue(maxsize=4)
        self.consumed = 0

    def produce(self):
        n = 0
        while True:
            self.q.put(n)
            n += 1
            time.sleep(0.005)

    def consume(self):
        while True:
            v = self.q.get()
            if v != self.consumed:
                fail("consumer got %d, expected %d" % (v, self.consumed))
            self.consumed += 1


def wait_change(read, seen, what):
    for _ in range(WAIT_POLLS):
        if read() != seen:
            return
        time.sleep(POLL)
    fail("%s made no progress (still %s)" % (what, seen))


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 4
    workers = [Worker(i) for i in range(n)]
    for w in workers:
        w.start()
    handoff = Handoff()
    threading.Thread(target=handoff.produce, daemon=True, name="producer").start()
    threading.Thread(target=handoff.consume, daemon=True, name="consumer").start()
    for w in workers:
        wait_change(lambda: w.tid, None, "start of thread %d" % w.idx)
    pid = os.getpid()
    tick = 0
    while True:
        rounds = [w.rounds for w in workers]
        consumed = handoff.consumed
        for w, r in zip(workers, rounds):
            wait_change(lambda: w.rounds, r, "thread %d" % w.idx)
            if not os.path.exists("/proc/self/task/%d" % w.tid):
                fail("thread %d: tid %d is not in /proc/self/task" % (w.idx, w.tid))
        wait_change(lambda: handoff.consumed, consumed, "queue consumer")
        if os.getpid() != pid:
            fail("getpid() is %d, was %d" % (os.getpid(), pid))
        tick += 1
        sys.stdout.write("tick %d ok pid=%d\n" % (tick, pid))
        sys.stdout.flush()
        time.sleep(TICK)


if __name__ == "__main__":
    main()
