/*
 * dirtyrate01: a process of MIB MiB (anonymous, every page touched) that writes RATE random pages a second,
 * for the incremental-checkpoint benchmarks (bench/incremental.sh).
 *
 *   dirtyrate01 MIB RATE [HOT_MIB]
 *
 * RATE 0 writes as fast as it can (a memory-bound loop: one 64-byte line of a random page at a time) and
 * the tick line carries the number of writes done since the last tick; with HOT_MIB, the writes go to the
 * first HOT_MIB MiB only (a hot working set) and each comes with a read of a random line anywhere (the rest
 * of the memory is read, not written). In both cases
 * the tick line carries the number of writes done since the last tick, for measuring what checkpoints
 * cost the application, with the CPU time the writing thread got meanwhile (cpu_ns) and the minor faults
 * it took (minflt: the write-protect faults of dirty tracking among them), to tell "ran less" from "ran
 * slower"; and of "ran less", the time it waited for a CPU while runnable (runq_ns: preempted, from
 * /proc/thread-self/schedstat, open only for the read) against the time it slept (frozen, or blocked in
 * the kernel), its voluntary and involuntary context switches and the CPU it ended the tick on. Ticks every ~1 s. Each page holds its index and a version in its first words;
 * every tick checks the pages written during it.
 */
#include "wl.h"
#include <sys/mman.h>
#include <sys/resource.h>
#include <sched.h>

#define PAGE 4096ul

static char stdout_buf[8192];

static uint64_t next(uint64_t *s) {
    uint64_t x = (*s += 0x9e3779b97f4a7c15ull);
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

static uint64_t clock_ns(clockid_t c) {
    struct timespec t;
    clock_gettime(c, &t);
    return (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec;
}

static uint64_t now_ns(void) { return clock_ns(CLOCK_MONOTONIC); }

static long minflt(void) {
    struct rusage u;
    getrusage(RUSAGE_THREAD, &u);
    return u.ru_minflt;
}

/* the nanoseconds this thread has waited on a run queue (runnable, another task on its CPU): schedstat's 2nd field */
static uint64_t runq_ns(void) {
    unsigned long long run = 0, wait = 0;
    FILE *f = fopen("/proc/thread-self/schedstat", "r");
    if (f == NULL) return 0;
    if (fscanf(f, "%llu %llu", &run, &wait) != 2) wait = 0;
    fclose(f);
    return wait;
}

static void switches(long *voluntary, long *involuntary) {
    struct rusage u;
    getrusage(RUSAGE_THREAD, &u);
    *voluntary = u.ru_nvcsw;
    *involuntary = u.ru_nivcsw;
}

int main(int argc, char **argv) {
    setvbuf(stdout, stdout_buf, _IOFBF, sizeof stdout_buf);
    if (argc < 3) wl_fail("usage: dirtyrate01 MIB RATE");
    size_t pages = strtoul(argv[1], NULL, 10) * 256;
    long rate = strtol(argv[2], NULL, 10);
    size_t hot = argc > 3 ? strtoul(argv[3], NULL, 10) * 256 : 0;
    if (hot > pages) wl_fail("HOT_MIB above MIB");
    uint64_t sink = 0;
    uint64_t *mem = mmap(NULL, pages * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (mem == MAP_FAILED) wl_fail("mmap: %s", strerror(errno));
    for (size_t p = 0; p < pages; p++) {
        uint64_t *w = mem + p * (PAGE / 8);
        for (size_t i = 0; i < PAGE / 8; i++) w[i] = p * 512 + i + 1; /* incompressible enough, never zero */
    }
    uint64_t seed = 7;
    for (;;) {
        uint64_t writes = 0, start = now_ns(), cpu = clock_ns(CLOCK_THREAD_CPUTIME_ID);
        long faults = minflt(), vcsw, ivcsw, vcsw1, ivcsw1;
        uint64_t runq = runq_ns();
        switches(&vcsw, &ivcsw);
        if (rate > 0) {
            /* RATE pages over the second, in 20 bursts */
            for (int b = 0; b < 20; b++) {
                for (long k = 0; k < rate / 20; k++) {
                    size_t p = next(&seed) % pages;
                    uint64_t *w = mem + p * (PAGE / 8);
                    w[1]++;
                    if (w[0] != p * 512 + 1) wl_fail("page %zu holds %llu", p, (unsigned long long)w[0]);
                    writes++;
                }
                wl_sleep_ms(50);
            }
        } else {
            while (now_ns() - start < 1000000000ull) {
                if (hot == 0) {
                    for (int k = 0; k < 4096; k++) {
                        size_t p = next(&seed) % pages;
                        uint64_t *w = mem + p * (PAGE / 8) + 8 * (k & 63);
                        w[1]++;
                    }
                } else {
                    for (int k = 0; k < 4096; k++) {
                        uint64_t r = next(&seed);
                        uint64_t *w = mem + (r % hot) * (PAGE / 8) + 8 * (k & 63);
                        w[1]++;
                        sink += mem[((r >> 32) % pages) * (PAGE / 8) + 8 * ((k + 17) & 63) + 2];
                    }
                }
                writes += 4096;
            }
            for (size_t p = 0; p < pages; p += 997) {
                if (mem[p * (PAGE / 8)] != p * 512 + 1) wl_fail("page %zu holds %llu", p, (unsigned long long)mem[p * (PAGE / 8)]);
            }
        }
        if (sink == 1) putchar(' '); /* keeps the reads */
        switches(&vcsw1, &ivcsw1);
        pthread_mutex_lock(&wl_out_lock);
        printf("tick %llu ok pid=%d writes=%llu ns=%llu cpu_ns=%llu minflt=%ld runq_ns=%llu vcsw=%ld ivcsw=%ld cpu=%d\n",
               (unsigned long long)++wl_tick_count, getpid(), (unsigned long long)writes,
               (unsigned long long)(now_ns() - start), (unsigned long long)(clock_ns(CLOCK_THREAD_CPUTIME_ID) - cpu),
               minflt() - faults, (unsigned long long)(runq_ns() - runq), vcsw1 - vcsw, ivcsw1 - ivcsw, sched_getcpu());
        fflush(stdout);
        pthread_mutex_unlock(&wl_out_lock);
    }
}
