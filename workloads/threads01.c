/*
 * threads01 [N]: N worker threads (default 8) plus a ping/pong pair, all checked from main.
 *   - each worker records its tid at start (gettid() must be the same after a restore), keeps
 *     __thread values and its own heap pattern, checks them in its own loop, and counts rounds;
 *   - main pthread_kill()s every worker with SIGUSR1 on every tick; the handler checks it runs in
 *     the right thread. glibc sends with the tid it cached in the thread descriptor, so a restore
 *     that changes a tid, or leaves the cache stale, makes pthread_kill fail with ESRCH;
 *   - ping and pong hand a token back and forth under a mutex and a condition variable;
 *   - main prints a tick only after every worker has made a round, received its signal, and the
 *     ping/pong pair has moved on: a tick after a restore proves every thread runs again.
 */
#include "wl.h"
#include <dirent.h>
#include <signal.h>

#define MAX_THREADS 64
#define BUF_WORDS 4096

struct worker {
    int idx;
    pthread_t thread;
    volatile pid_t tid;
    volatile uint64_t rounds;     /* bumped by the worker's loop */
    volatile uint64_t signals;    /* bumped by its SIGUSR1 handler */
    uint64_t *buf;
};

static struct worker workers[MAX_THREADS];
static int nthreads;

static __thread struct worker *self;
static __thread uint64_t tls_value;
static __thread uint64_t tls_array[32];
static __thread volatile int tls_wrong_thread;

static void on_usr1(int sig) {
    (void)sig;
    int saved = errno;
    if (!self || self->tid != wl_gettid()) tls_wrong_thread = 1;
    else __atomic_add_fetch(&self->signals, 1, __ATOMIC_RELEASE);
    errno = saved;
}

static uint64_t tls_expected(int idx, int i) { return wl_pattern(0x71500 + (uint64_t)idx, (uint64_t)i); }

static void *worker_main(void *arg) {
    struct worker *w = arg;
    self = w;
    w->tid = wl_gettid();
    tls_value = 0x7E57ull * (uint64_t)(w->idx + 1);
    for (int i = 0; i < 32; i++) tls_array[i] = tls_expected(w->idx, i);
    w->buf = malloc(BUF_WORDS * 8);
    if (!w->buf) wl_fail("malloc");
    uint64_t seed = 0xBEEF00 + (uint64_t)w->idx;
    wl_fill(w->buf, BUF_WORDS, seed);
    for (;;) {
        pid_t now = wl_gettid();
        if (now != w->tid) wl_fail("thread %d: gettid() is %d, was %d", w->idx, now, w->tid);
        if (self != w) wl_fail("thread %d: __thread self points to %p", w->idx, (void *)self);
        if (tls_value != 0x7E57ull * (uint64_t)(w->idx + 1)) wl_fail("thread %d: __thread value %#llx", w->idx, (unsigned long long)tls_value);
        for (int i = 0; i < 32; i++)
            if (tls_array[i] != tls_expected(w->idx, i)) wl_fail("thread %d: __thread array[%d] wrong", w->idx, i);
        if (tls_wrong_thread) wl_fail("thread %d: SIGUSR1 handled by a thread it was not sent to", w->idx);
        char what[48];
        snprintf(what, sizeof what, "thread %d heap", w->idx);
        wl_expect_pattern(what, w->buf, BUF_WORDS * 8, seed);
        __atomic_add_fetch(&w->rounds, 1, __ATOMIC_RELEASE);
        wl_sleep_ms(10);
    }
}

/* ping/pong: a token passed between two threads with a mutex and a condition variable */
static pthread_mutex_t token_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t token_moved = PTHREAD_COND_INITIALIZER;
static int token_holder;               /* 0: ping's turn, 1: pong's turn */
static volatile uint64_t handoffs;     /* total passes, under token_lock */
static uint64_t passes[2];

static void *pingpong_main(void *arg) {
    int me = (int)(intptr_t)arg;
    for (;;) {
        pthread_mutex_lock(&token_lock);
        while (token_holder != me) pthread_cond_wait(&token_moved, &token_lock);
        passes[me]++;
        /* ping has always passed once more than pong when it holds the token, as often when pong does */
        if (passes[0] != passes[1] + (uint64_t)(me == 0))
            wl_fail("%s: passes ping=%llu pong=%llu", me ? "pong" : "ping", (unsigned long long)passes[0], (unsigned long long)passes[1]);
        token_holder = !me;
        __atomic_add_fetch(&handoffs, 1, __ATOMIC_RELEASE);
        pthread_cond_broadcast(&token_moved);
        pthread_mutex_unlock(&token_lock);
        wl_sleep_ms(5);
    }
}

/* every worker's recorded tid must be a task of this process */
static void check_tasks(void) {
    for (int i = 0; i < nthreads; i++) {
        char path[64];
        snprintf(path, sizeof path, "/proc/self/task/%d", workers[i].tid);
        if (access(path, F_OK)) wl_fail("thread %d: tid %d is not in /proc/self/task", i, workers[i].tid);
    }
}

int main(int argc, char **argv) {
    nthreads = argc > 1 ? atoi(argv[1]) : 8;
    if (nthreads < 1 || nthreads > MAX_THREADS) { fprintf(stderr, "usage: threads01 [1..%d]\n", MAX_THREADS); return 2; }
    struct sigaction sa = {.sa_handler = on_usr1, .sa_flags = SA_RESTART};
    sigemptyset(&sa.sa_mask);
    if (sigaction(SIGUSR1, &sa, NULL)) wl_fail("sigaction: %s", strerror(errno));

    for (int i = 0; i < nthreads; i++) {
        workers[i].idx = i;
        if (pthread_create(&workers[i].thread, NULL, worker_main, &workers[i])) wl_fail("pthread_create");
    }
    pthread_t ping, pong;
    if (pthread_create(&ping, NULL, pingpong_main, (void *)0) || pthread_create(&pong, NULL, pingpong_main, (void *)1))
        wl_fail("pthread_create");
    for (int i = 0; i < nthreads; i++) while (!__atomic_load_n(&workers[i].tid, __ATOMIC_ACQUIRE)) wl_sleep_ms(1);
    pid_t main_tid = wl_gettid();

    for (;;) {
        if (wl_gettid() != main_tid || main_tid != getpid()) wl_fail("main thread tid %d, pid %d, was %d", wl_gettid(), getpid(), main_tid);
        uint64_t rounds[MAX_THREADS], sigs[MAX_THREADS];
        for (int i = 0; i < nthreads; i++) {
            rounds[i] = __atomic_load_n(&workers[i].rounds, __ATOMIC_ACQUIRE);
            sigs[i] = __atomic_load_n(&workers[i].signals, __ATOMIC_ACQUIRE);
            int e = pthread_kill(workers[i].thread, SIGUSR1);
            if (e) wl_fail("pthread_kill(thread %d, tid %d): %s", i, workers[i].tid, strerror(e));
        }
        uint64_t h = __atomic_load_n(&handoffs, __ATOMIC_ACQUIRE);
        char what[48];
        for (int i = 0; i < nthreads; i++) {
            snprintf(what, sizeof what, "thread %d", i);
            wl_wait_change(&workers[i].rounds, rounds[i], what);
            snprintf(what, sizeof what, "SIGUSR1 to thread %d", i);
            wl_wait_change(&workers[i].signals, sigs[i], what);
        }
        wl_wait_change(&handoffs, h, "ping/pong handoff");
        check_tasks();
        wl_tick();
        wl_sleep_ms(WL_TICK_MS);
    }
}
