/*
 * wl.h: the line protocol every Cryo workload speaks (zdtm-style, see design.md section 4).
 *
 * A workload sets up its state, then loops forever. Every ~50 ms it checks ALL its invariants and
 * prints exactly one line `tick N ok pid=P` (N lives in the program's memory, so it continues
 * across a checkpoint/restore; P = getpid()). On any broken invariant it prints `FAIL <what>` and
 * exits 1. Nothing else is printed on stdout.
 *
 * Waits are bounded by counting short sleeps, never by reading a clock: a checkpoint can freeze the
 * process for any length of wall time, and a CLOCK_MONOTONIC deadline taken before the freeze would
 * expire on the first look after the restore.
 */
#ifndef CRYO_WL_H
#define CRYO_WL_H
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define WL_TICK_MS 50
/* How long a workload waits for another thread to make progress: 2000 polls of 5 ms of sleep,
 * i.e. at least 10 s of the process actually running. */
#define WL_WAIT_POLLS 2000
#define WL_POLL_MS 5

static volatile uint64_t wl_tick_count;
static pthread_mutex_t wl_out_lock = PTHREAD_MUTEX_INITIALIZER;

__attribute__((format(printf, 1, 2), noreturn, unused))
static inline void wl_fail(const char *fmt, ...) {
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    pthread_mutex_lock(&wl_out_lock);
    printf("FAIL %s\n", msg);
    fflush(stdout);
    _exit(1); /* no atexit handlers: other threads may be mid-check */
}

/* One tick: the caller has just checked every invariant. */
static inline void wl_tick(void) {
    pthread_mutex_lock(&wl_out_lock);
    printf("tick %llu ok pid=%d\n", (unsigned long long)++wl_tick_count, getpid());
    fflush(stdout);
    pthread_mutex_unlock(&wl_out_lock);
}

/* Sleep ms milliseconds the way ordinary code does: EINTR resumes with the time left. */
static inline void wl_sleep_ms(long ms) {
    struct timespec req = {ms / 1000, (ms % 1000) * 1000000L}, rem;
    while (nanosleep(&req, &rem) != 0) {
        if (errno != EINTR) wl_fail("nanosleep: %s", strerror(errno));
        req = rem;
    }
}

static inline pid_t wl_gettid(void) { return (pid_t)syscall(SYS_gettid); }

/* Waits until *counter differs from `seen`, polling; fails naming `what` after WL_WAIT_POLLS polls. */
static inline uint64_t wl_wait_change(volatile uint64_t *counter, uint64_t seen, const char *what) {
    for (int i = 0; i < WL_WAIT_POLLS; i++) {
        uint64_t now = __atomic_load_n(counter, __ATOMIC_ACQUIRE);
        if (now != seen) return now;
        wl_sleep_ms(WL_POLL_MS);
    }
    wl_fail("%s made no progress (still %llu)", what, (unsigned long long)seen);
}

/* Deterministic 64-bit pattern: word i of a region seeded with seed; never zero (zero pages are not
 * stored, so a zero pattern would not exercise the memory path). */
static inline uint64_t wl_pattern(uint64_t seed, uint64_t i) {
    uint64_t x = (i + 1) * 0x9E3779B97F4A7C15ull ^ seed;
    x ^= x >> 29;
    return x | 1;
}

static inline void wl_fill(uint64_t *p, size_t words, uint64_t seed) {
    for (size_t i = 0; i < words; i++) p[i] = wl_pattern(seed, i);
}

/* SplitMix64's finaliser: a well-mixed 64-bit value from any input (random page choices, patterns). */
static inline uint64_t wl_mix(uint64_t x) {
    x += 0x9e3779b97f4a7c15ull;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

/* A 4 KiB page holding w, w+1, w+2... (one value per 8-byte word), and checks of it. */
static inline void wl_fill_page(unsigned char *p, uint64_t w) {
    for (size_t i = 0; i < 4096 / 8; i++) ((uint64_t *)p)[i] = w + i;
}

static inline int wl_page_is(const unsigned char *p, uint64_t w) {
    for (size_t i = 0; i < 4096 / 8; i++) if (((const uint64_t *)p)[i] != w + i) return 0;
    return 1;
}

static inline int wl_page_zero(const unsigned char *p) {
    for (size_t i = 0; i < 4096 / 8; i++) if (((const uint64_t *)p)[i]) return 0;
    return 1;
}

/* Returns the index of the first wrong word, or -1. */
static inline long wl_check(const uint64_t *p, size_t words, uint64_t seed) {
    for (size_t i = 0; i < words; i++)
        if (p[i] != wl_pattern(seed, i)) return (long)i;
    return -1;
}

static inline void wl_expect_pattern(const char *what, const void *p, size_t bytes, uint64_t seed) {
    long bad = wl_check(p, bytes / 8, seed);
    if (bad >= 0)
        wl_fail("%s: word %ld at %p is %#llx, expected %#llx", what, bad, (void *)((const uint64_t *)p + bad),
                (unsigned long long)((const uint64_t *)p)[bad], (unsigned long long)wl_pattern(seed, (uint64_t)bad));
}

/* Reads a whole small /proc file into buf without malloc (some workloads check that brk never moves). */
static inline size_t wl_read_file(const char *path, char *buf, size_t cap) {
    int fd;
    do fd = open(path, O_RDONLY | O_CLOEXEC); while (fd < 0 && errno == EINTR);
    if (fd < 0) wl_fail("open %s: %s", path, strerror(errno));
    size_t n = 0;
    while (n + 1 < cap) {
        ssize_t r = read(fd, buf + n, cap - 1 - n);
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) wl_fail("read %s: %s", path, strerror(errno));
        if (r == 0) break;
        n += (size_t)r;
    }
    buf[n] = 0;
    close(fd);
    return n;
}

#endif
