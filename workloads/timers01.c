/*
 * timers01: POSIX timers whose ids, clocks, targets and periods a restore must keep, checked on every tick.
 *   - four timers are created and the second deleted, so the ids have a gap (the kernel hands out the
 *     lowest free id: a restore must ask for each id);
 *   - A: CLOCK_MONOTONIC, every 10 ms, SIGRTMIN to the process with sigev_value 0xABC: the handler checks
 *     si_timerid and si_value, and the count must keep growing;
 *   - C: CLOCK_MONOTONIC, every 20 ms, SIGUSR1 to one thread (SIGEV_THREAD_ID): the handler must run on
 *     that thread;
 *   - D: CLOCK_REALTIME, one shot in 1000 s, SIGEV_NONE: must stay armed with at most 1000 s left;
 *   - the deleted id must stay unknown (EINVAL).
 */
#include "wl.h"
#include <signal.h>

static timer_t ta, tb, tc, td;
static volatile uint64_t a_count, c_count;
static volatile int bad_a, bad_c;
static pid_t worker_tid;

static void on_a(int sig, siginfo_t *si, void *uc) {
    (void)sig; (void)uc;
    if (si->si_code != SI_TIMER || si->si_value.sival_int != 0xABC || si->si_timerid != (int)(intptr_t)ta) bad_a = 1;
    a_count++;
}

static void on_c(int sig, siginfo_t *si, void *uc) {
    (void)sig; (void)si; (void)uc;
    if (wl_gettid() != worker_tid) bad_c = 1;
    c_count++;
}

static void *worker(void *arg) {
    (void)arg;
    worker_tid = wl_gettid();
    for (;;) pause();
    return NULL;
}

static timer_t make(clockid_t clock, int notify, int sig, int value, pid_t tid) {
    struct sigevent ev = {0};
    ev.sigev_notify = notify;
    ev.sigev_signo = sig;
    ev.sigev_value.sival_int = value;
    ev._sigev_un._tid = tid;
    timer_t t;
    if (timer_create(clock, &ev, &t)) wl_fail("timer_create: %s", strerror(errno));
    return t;
}

static void arm(timer_t t, long interval_ns, long value_s, long value_ns) {
    struct itimerspec its = {{0, interval_ns}, {value_s, value_ns}};
    if (timer_settime(t, 0, &its, NULL)) wl_fail("timer_settime: %s", strerror(errno));
}

static void tick_timers(void) {
    if (bad_a) wl_fail("timer A: wrong si_code, si_value or si_timerid");
    if (bad_c) wl_fail("timer C: its signal ran on another thread than %d", worker_tid);
    wl_wait_change(&a_count, a_count, "timer A (every 10 ms)");
    wl_wait_change(&c_count, c_count, "timer C (every 20 ms, to one thread)");
    struct itimerspec cur;
    if (timer_gettime(ta, &cur) || cur.it_interval.tv_nsec != 10000000) wl_fail("timer A lost its period");
    if (timer_gettime(tc, &cur) || cur.it_interval.tv_nsec != 20000000) wl_fail("timer C lost its period");
    if (timer_gettime(td, &cur)) wl_fail("timer D: %s", strerror(errno));
    if (cur.it_value.tv_sec <= 0 || cur.it_value.tv_sec > 1000 || cur.it_interval.tv_sec) wl_fail("timer D: %ld s left", (long)cur.it_value.tv_sec);
    if (timer_gettime(tb, &cur) == 0 || errno != EINVAL) wl_fail("deleted timer id %d is known again", (int)(intptr_t)tb);
}

int main(void) {
    struct sigaction sa = {0};
    sa.sa_flags = SA_SIGINFO | SA_RESTART;
    sa.sa_sigaction = on_a;
    sigaction(SIGRTMIN, &sa, NULL);
    sa.sa_sigaction = on_c;
    sigaction(SIGUSR1, &sa, NULL);
    pthread_t th;
    pthread_create(&th, NULL, worker, NULL); /* the worker takes SIGUSR1, the main thread blocks it */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    while (!__atomic_load_n(&worker_tid, __ATOMIC_ACQUIRE)) wl_sleep_ms(1);

    ta = make(CLOCK_MONOTONIC, SIGEV_SIGNAL, SIGRTMIN, 0xABC, 0);
    tb = make(CLOCK_MONOTONIC, SIGEV_NONE, 0, 0, 0);
    tc = make(CLOCK_MONOTONIC, SIGEV_THREAD_ID, SIGUSR1, 0, worker_tid);
    td = make(CLOCK_REALTIME, SIGEV_NONE, 0, 0, 0);
    if (timer_delete(tb)) wl_fail("timer_delete: %s", strerror(errno));
    arm(ta, 10000000, 0, 10000000);
    arm(tc, 20000000, 0, 20000000);
    arm(td, 0, 1000, 0);
    for (;;) {
        tick_timers();
        wl_tick();
        wl_sleep_ms(WL_TICK_MS);
    }
}
