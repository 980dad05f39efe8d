/*
 * dirtytree01: a process tree writing memory at random between checkpoints, for incremental checkpoints
 * of every process of a tree, and of memory one process writes and another maps.
 *
 *   dirtytree01 MIB [SEED]
 *
 * The root R maps, before any fork: a private anonymous area of MIB MiB (each process inherits it copy on
 * write and then writes its own copy), a MAP_SHARED|MAP_ANONYMOUS area and a memfd mapped MAP_SHARED
 * (both shared by every process). It forks C, which lives as long as R, and every 10 ticks a short-lived
 * H (it exits 5 ticks later: a process that is new since the previous checkpoint, then one that is gone).
 * Each tick runs in lockstep, driven by R over pipes: C, then H, then R make their changes, chosen by a
 * PRNG seeded with (SEED, process, tick): random pages of their private copy written with a pattern or
 * dropped with MADV_DONTNEED; C also writes pages of the shared anonymous area, R pages of the memfd.
 * Every process then checks ALL its private memory against a replay of its history from tick 1 (H's
 * starts as R's up to its birth), and R checks both shared areas: a restore that brings back any page
 * from the wrong moment, or loses a write another process made, fails the check.
 */
#include "wl.h"
#include <sys/mman.h>
#include <sys/wait.h>

#define PAGE 4096ul
#define SHARED_PAGES 256
#define MEMFD_PAGES 128
#define CHANGES 32
#define SHARED_CHANGES 8
#define R 1
#define C 2
#define H 3

static char stdout_buf[8192];
static uint64_t seed = 42;
static size_t main_pages;
static unsigned char *main_area, *shared_area, *memfd_area;
static int64_t *live_main, *replay_main; /* per page: (who << 32 | tick), 0 initial, -1 dropped */
static uint32_t live_shared[SHARED_PAGES], live_memfd[MEMFD_PAGES];
static uint32_t replay_shared[SHARED_PAGES], replay_memfd[MEMFD_PAGES];

static uint64_t word(uint64_t a, uint64_t b, uint64_t c) { return wl_mix(seed ^ wl_mix(a ^ wl_mix(b ^ wl_mix(c)))) | 1; }

static uint64_t main_word(size_t p, int64_t tag) {
    return tag == 0 ? word(1, p, 0) : word(10 + (uint64_t)(tag >> 32), p, (uint64_t)(tag & 0xffffffff));
}

/* Process who's changes of tick t: to its private model (and the shared ones it writes); with apply, to memory. */
static void step(int who, uint64_t t, int64_t *main_model, uint32_t *shared_model, uint32_t *memfd_model, int apply) {
    uint64_t r = wl_mix(seed ^ ((uint64_t)who << 56) ^ (t * 0x100000001b3ull));
    for (int k = 0; k < CHANGES; k++) {
        r = wl_mix(r);
        size_t p = wl_mix(r ^ 0x5555) % main_pages;
        if (r % 100 < 80) {
            main_model[p] = ((int64_t)who << 32) | (int64_t)t;
            if (apply) wl_fill_page(main_area + p * PAGE, main_word(p, main_model[p]));
        } else {
            main_model[p] = -1;
            if (apply && madvise(main_area + p * PAGE, PAGE, MADV_DONTNEED)) wl_fail("madvise: %s", strerror(errno));
        }
    }
    for (int k = 0; k < SHARED_CHANGES; k++) {
        r = wl_mix(r);
        if (who == C && shared_model) {
            size_t q = r % SHARED_PAGES;
            shared_model[q] = (uint32_t)t;
            if (apply) wl_fill_page(shared_area + q * PAGE, word(5, q, t));
        } else if (who == R && memfd_model && k < SHARED_CHANGES / 2) {
            size_t q = r % MEMFD_PAGES;
            memfd_model[q] = (uint32_t)t;
            if (apply) wl_fill_page(memfd_area + q * PAGE, word(6, q, t));
        }
    }
}

/* Replays ticks 1..now of `who` (as R before tick `birth`) and compares its private copy with it. */
static void check_main(int who, uint64_t birth, uint64_t now) {
    memset(replay_main, 0, main_pages * sizeof *replay_main);
    for (uint64_t t = 1; t <= now; t++) step(t < birth ? R : who, t, replay_main, NULL, NULL, 0);
    for (size_t p = 0; p < main_pages; p++) {
        int64_t tag = replay_main[p];
        if (tag != live_main[p]) wl_fail("process %d main page %zu: model differs from replay", who, p);
        if (tag < 0 ? !wl_page_zero(main_area + p * PAGE) : !wl_page_is(main_area + p * PAGE, main_word(p, tag)))
            wl_fail("process %d main page %zu (tick %llu): not what its model says", who, p, (unsigned long long)now);
    }
}

/* R's check of the shared areas: C's writes to the shared anonymous one, R's to the memfd. */
static void check_shared(uint64_t now) {
    memset(replay_shared, 0, sizeof replay_shared);
    memset(replay_memfd, 0, sizeof replay_memfd);
    int64_t *scratch = calloc(main_pages, sizeof *scratch);
    if (!scratch) wl_fail("calloc");
    for (uint64_t t = 1; t <= now; t++) {
        step(C, t, scratch, replay_shared, NULL, 0);
        step(R, t, scratch, NULL, replay_memfd, 0);
    }
    free(scratch);
    for (int q = 0; q < SHARED_PAGES; q++) {
        if (!wl_page_is(shared_area + q * PAGE, word(5, q, replay_shared[q])))
            wl_fail("shared page %d (tick %llu): not what C wrote at tick %u", q, (unsigned long long)now, replay_shared[q]);
    }
    for (int q = 0; q < MEMFD_PAGES; q++) {
        if (!wl_page_is(memfd_area + q * PAGE, word(6, q, replay_memfd[q])))
            wl_fail("memfd page %d (tick %llu): not what R wrote at tick %u", q, (unsigned long long)now, replay_memfd[q]);
    }
}

/* A child's life: waits for tick numbers on `go`, steps and checks, answers on `done`; EOF ends it. */
static void child(int who, uint64_t birth, int go, int done) {
    uint64_t t;
    for (;;) {
        ssize_t n = read(go, &t, sizeof t);
        if (n == 0) _exit(0);
        if (n != (ssize_t)sizeof t) wl_fail("process %d: read go: %s", who, strerror(errno));
        step(who, t, live_main, who == C ? live_shared : NULL, NULL, 1);
        check_main(who, birth, t);
        if (write(done, &t, sizeof t) != (ssize_t)sizeof t) wl_fail("process %d: write done: %s", who, strerror(errno));
    }
}

struct kid { pid_t pid; int go, done; };

static struct kid fork_child(int who, uint64_t birth) {
    int go[2], done[2];
    if (pipe2(go, O_CLOEXEC) || pipe2(done, O_CLOEXEC)) wl_fail("pipe: %s", strerror(errno));
    struct kid k = { fork(), go[1], done[0] };
    if (k.pid < 0) wl_fail("fork: %s", strerror(errno));
    if (k.pid == 0) {
        close(go[1]);
        close(done[0]);
        child(who, birth, go[0], done[1]);
    }
    close(go[0]);
    close(done[1]);
    return k;
}

static void drive(struct kid *k, uint64_t t, const char *what) {
    uint64_t back;
    if (write(k->go, &t, sizeof t) != (ssize_t)sizeof t) wl_fail("write go to %s: %s", what, strerror(errno));
    ssize_t n = read(k->done, &back, sizeof back);
    if (n != (ssize_t)sizeof back || back != t) wl_fail("%s did not finish tick %llu (it failed or exited)", what, (unsigned long long)t);
}

int main(int argc, char **argv) {
    setvbuf(stdout, stdout_buf, _IOFBF, sizeof stdout_buf);
    if (argc < 2) wl_fail("usage: dirtytree01 MIB [SEED]");
    main_pages = strtoul(argv[1], NULL, 10) * 256;
    if (argc > 2) seed = strtoull(argv[2], NULL, 10);
    live_main = calloc(main_pages, sizeof *live_main);
    replay_main = calloc(main_pages, sizeof *replay_main);
    main_area = mmap(NULL, main_pages * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    shared_area = mmap(NULL, SHARED_PAGES * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    int mfd = memfd_create("dirtytree01", MFD_CLOEXEC);
    if (mfd < 0 || ftruncate(mfd, MEMFD_PAGES * PAGE)) wl_fail("memfd: %s", strerror(errno));
    memfd_area = mmap(NULL, MEMFD_PAGES * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, mfd, 0);
    close(mfd);
    if (!live_main || !replay_main || main_area == MAP_FAILED || shared_area == MAP_FAILED || memfd_area == MAP_FAILED)
        wl_fail("allocation failed");
    for (size_t p = 0; p < main_pages; p++) wl_fill_page(main_area + p * PAGE, word(1, p, 0));
    for (int q = 0; q < SHARED_PAGES; q++) wl_fill_page(shared_area + q * PAGE, word(5, q, 0));
    for (int q = 0; q < MEMFD_PAGES; q++) wl_fill_page(memfd_area + q * PAGE, word(6, q, 0));
    struct kid c = fork_child(C, 1), h = { 0, -1, -1 };
    for (;;) {
        uint64_t t = wl_tick_count + 1;
        if (t % 10 == 0 && h.pid == 0) {
            fflush(stdout);
            h = fork_child(H, t);
        } else if (t % 10 == 5 && h.pid > 0) {
            close(h.go);
            close(h.done);
            int status;
            if (waitpid(h.pid, &status, 0) != h.pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
                wl_fail("H (pid %d) did not exit cleanly", h.pid);
            h.pid = 0;
        }
        drive(&c, t, "C");
        if (h.pid > 0) drive(&h, t, "H");
        step(R, t, live_main, NULL, live_memfd, 1);
        check_main(R, 1, t);
        check_shared(t);
        wl_tick();
        wl_sleep_ms(WL_TICK_MS);
    }
}
