/*
 * signals01: signal state a restore must carry over, checked on every tick.
 *   - handlers: SIGUSR1 (SA_SIGINFO, sent with sigqueue: value, code and sender are checked),
 *     SIGUSR2 (SA_RESTART, sa_mask = {SIGUSR1}: checked from inside the handler), SIGURG
 *     (SA_ONSTACK: must run on main's sigaltstack), SIGALRM (from ITIMER_REAL every 10 ms: the
 *     count must keep growing and the interval stay 10 ms), SIGHUP ignored;
 *   - every sigaction is also read back and compared (handler, flags, mask);
 *   - the process signal mask blocks SIGRTMIN+1 and SIGRTMIN+2; SIGRTMIN+1 is left pending for
 *     the process and SIGRTMIN+2 pending for the worker thread only (sigpending in each thread);
 *   - the worker sits in read() on a pipe; main interrupts it with SIGUSR2 every tick and then
 *     writes the next byte: with SA_RESTART the read must restart, never fail with EINTR.
 */
#include "wl.h"
#include <signal.h>
#include <sys/time.h>

#define ALTSTACK_SIZE (64 * 1024)

static char altstack[ALTSTACK_SIZE] __attribute__((aligned(16)));
static pid_t main_tid;
static pthread_t worker;
static int pipefd[2];

static volatile uint64_t usr1_count, usr1_value, usr1_code, usr1_pid;
static volatile uint64_t usr2_main_count, usr2_worker_count, usr2_unmasked;
static volatile uint64_t urg_count, urg_off_altstack;
static volatile uint64_t alrm_count;
static volatile uint64_t worker_bytes;
static volatile int armed;          /* the pending signals have been sent */

static void on_usr1(int sig, siginfo_t *si, void *uc) {
    (void)sig; (void)uc;
    usr1_value = (uint64_t)si->si_value.sival_int;
    usr1_code = (uint64_t)(int64_t)si->si_code;
    usr1_pid = (uint64_t)si->si_pid;
    __atomic_add_fetch(&usr1_count, 1, __ATOMIC_RELEASE);
}

static void on_usr2(int sig) {
    (void)sig;
    int saved = errno;
    if (wl_gettid() == main_tid) {
        sigset_t now;
        pthread_sigmask(SIG_BLOCK, NULL, &now);
        if (!sigismember(&now, SIGUSR1)) usr2_unmasked = 1; /* sa_mask lost */
        __atomic_add_fetch(&usr2_main_count, 1, __ATOMIC_RELEASE);
    } else {
        __atomic_add_fetch(&usr2_worker_count, 1, __ATOMIC_RELEASE);
    }
    errno = saved;
}

static void on_urg(int sig, siginfo_t *si, void *uc) {
    (void)sig; (void)si; (void)uc;
    char here;
    uintptr_t a = (uintptr_t)&here;
    stack_t ss;
    sigaltstack(NULL, &ss);
    if (a < (uintptr_t)altstack || a >= (uintptr_t)altstack + ALTSTACK_SIZE || !(ss.ss_flags & SS_ONSTACK)) urg_off_altstack = 1;
    __atomic_add_fetch(&urg_count, 1, __ATOMIC_RELEASE);
}

static void on_alrm(int sig) { (void)sig; __atomic_add_fetch(&alrm_count, 1, __ATOMIC_RELEASE); }

struct handler { int sig; void *fn; int flags; int masks_usr1; };
static struct handler handlers[] = {
    {SIGUSR1, (void *)on_usr1, SA_SIGINFO, 0},
    {SIGUSR2, (void *)on_usr2, SA_RESTART, 1},
    {SIGURG, (void *)on_urg, SA_SIGINFO | SA_ONSTACK, 0},
    {SIGALRM, (void *)on_alrm, SA_RESTART, 0},
};
#define NHANDLERS (int)(sizeof handlers / sizeof handlers[0])
#define CHECKED_FLAGS (SA_SIGINFO | SA_RESTART | SA_ONSTACK | SA_NODEFER | SA_RESETHAND)

static void install(void) {
    for (int i = 0; i < NHANDLERS; i++) {
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_flags = handlers[i].flags;
        if (sa.sa_flags & SA_SIGINFO) sa.sa_sigaction = handlers[i].fn; else sa.sa_handler = handlers[i].fn;
        sigemptyset(&sa.sa_mask);
        if (handlers[i].masks_usr1) sigaddset(&sa.sa_mask, SIGUSR1);
        if (sigaction(handlers[i].sig, &sa, NULL)) wl_fail("sigaction(%d): %s", handlers[i].sig, strerror(errno));
    }
    if (signal(SIGHUP, SIG_IGN) == SIG_ERR) wl_fail("signal(SIGHUP)");
}

static void check_actions(void) {
    for (int i = 0; i < NHANDLERS; i++) {
        struct sigaction sa;
        if (sigaction(handlers[i].sig, NULL, &sa)) wl_fail("sigaction query: %s", strerror(errno));
        void *fn = (sa.sa_flags & SA_SIGINFO) ? (void *)sa.sa_sigaction : (void *)sa.sa_handler;
        if (fn != handlers[i].fn) wl_fail("signal %d: handler is %p, expected %p", handlers[i].sig, fn, handlers[i].fn);
        if ((int)(sa.sa_flags & CHECKED_FLAGS) != handlers[i].flags)
            wl_fail("signal %d: sa_flags %#x, expected %#x", handlers[i].sig, sa.sa_flags & CHECKED_FLAGS, handlers[i].flags);
        if (sigismember(&sa.sa_mask, SIGUSR1) != handlers[i].masks_usr1) wl_fail("signal %d: sa_mask changed", handlers[i].sig);
    }
    struct sigaction hup;
    sigaction(SIGHUP, NULL, &hup);
    if (hup.sa_handler != SIG_IGN) wl_fail("SIGHUP is no longer ignored");
}

/* mask must be exactly `want` (for the signals we look at) */
static void check_mask(const char *who, const int *want, int nwant) {
    sigset_t now;
    pthread_sigmask(SIG_BLOCK, NULL, &now);
    static const int looked_at[] = {SIGUSR1, SIGUSR2, SIGURG, SIGALRM, SIGHUP, SIGTERM, SIGINT, SIGCHLD};
    for (int s = 0; s < (int)(sizeof looked_at / sizeof *looked_at) + 2; s++) {
        int sig = s < 8 ? looked_at[s] : SIGRTMIN + (s - 7);
        int expected = 0;
        for (int i = 0; i < nwant; i++) expected |= want[i] == sig;
        if (sigismember(&now, sig) != expected) wl_fail("%s: signal %d is %sblocked", who, sig, expected ? "not " : "");
    }
}

static void check_pending(const char *who, int want_thread_pending) {
    sigset_t p;
    if (sigpending(&p)) wl_fail("sigpending: %s", strerror(errno));
    if (!sigismember(&p, SIGRTMIN + 1)) wl_fail("%s: process-pending SIGRTMIN+1 is gone", who);
    if (sigismember(&p, SIGRTMIN + 2) != want_thread_pending)
        wl_fail("%s: thread-pending SIGRTMIN+2 is %s", who, want_thread_pending ? "gone" : "pending here, but was sent to the worker");
    for (int sig = 1; sig < SIGRTMIN; sig++)
        /* SIGALRM and SIGUSR1 go to the process: they sit in the shared set until main takes them */
        if (sigismember(&p, sig) && sig != SIGALRM && sig != SIGUSR1) wl_fail("%s: unexpected pending signal %d", who, sig);
}

static void *worker_main(void *arg) {
    (void)arg;
    const int mask[] = {SIGRTMIN + 1, SIGRTMIN + 2, SIGUSR1, SIGURG, SIGALRM};
    uint64_t expect = 0;
    while (!armed) wl_sleep_ms(1);
    for (;;) {
        check_mask("worker", mask, 5);
        check_pending("worker", 1);
        unsigned char b;
        ssize_t n = read(pipefd[0], &b, 1); /* SA_RESTART: never EINTR, however often SIGUSR2 comes */
        if (n < 0) wl_fail("worker: read: %s (SIGUSR2 has SA_RESTART)", strerror(errno));
        if (n != 1) wl_fail("worker: read returned %zd", n);
        if (b != (unsigned char)expect) wl_fail("worker: read byte %u, expected %u", b, (unsigned)(unsigned char)expect);
        expect++;
        __atomic_add_fetch(&worker_bytes, 1, __ATOMIC_RELEASE);
    }
    return NULL;
}

int main(void) {
    main_tid = wl_gettid();
    install();
    stack_t ss = {.ss_sp = altstack, .ss_size = ALTSTACK_SIZE, .ss_flags = 0};
    if (sigaltstack(&ss, NULL)) wl_fail("sigaltstack: %s", strerror(errno));
    if (pipe(pipefd)) wl_fail("pipe: %s", strerror(errno));

    sigset_t block;
    sigemptyset(&block);
    sigaddset(&block, SIGRTMIN + 1);
    sigaddset(&block, SIGRTMIN + 2);
    if (pthread_sigmask(SIG_BLOCK, &block, NULL)) wl_fail("sigprocmask");
    sigset_t worker_only;            /* the worker also blocks what main handles */
    sigemptyset(&worker_only);
    sigaddset(&worker_only, SIGUSR1);
    sigaddset(&worker_only, SIGURG);
    sigaddset(&worker_only, SIGALRM);
    pthread_sigmask(SIG_BLOCK, &worker_only, NULL);
    if (pthread_create(&worker, NULL, worker_main, NULL)) wl_fail("pthread_create");
    pthread_sigmask(SIG_UNBLOCK, &worker_only, NULL);

    if (kill(getpid(), SIGRTMIN + 1)) wl_fail("kill: %s", strerror(errno));
    if (pthread_kill(worker, SIGRTMIN + 2)) wl_fail("pthread_kill");
    armed = 1;

    struct itimerval it = {{0, 10000}, {0, 10000}};
    if (setitimer(ITIMER_REAL, &it, NULL)) wl_fail("setitimer: %s", strerror(errno));

    const int main_mask[] = {SIGRTMIN + 1, SIGRTMIN + 2};
    for (;;) {
        uint64_t alrm = __atomic_load_n(&alrm_count, __ATOMIC_ACQUIRE);
        check_actions();
        check_mask("main", main_mask, 2);
        check_pending("main", 0);

        stack_t now;
        if (sigaltstack(NULL, &now)) wl_fail("sigaltstack query: %s", strerror(errno));
        if (now.ss_sp != altstack || now.ss_size != ALTSTACK_SIZE || now.ss_flags)
            wl_fail("sigaltstack is %p+%zu flags %d, expected %p+%d", now.ss_sp, now.ss_size, now.ss_flags, (void *)altstack, ALTSTACK_SIZE);

        struct itimerval cur;
        if (getitimer(ITIMER_REAL, &cur)) wl_fail("getitimer: %s", strerror(errno));
        if (cur.it_interval.tv_sec != 0 || cur.it_interval.tv_usec != 10000)
            wl_fail("ITIMER_REAL interval is %ld.%06ld s", (long)cur.it_interval.tv_sec, (long)cur.it_interval.tv_usec);

        /* SIGUSR1 with a value, to the process; only main may take it */
        uint64_t n1 = usr1_count;
        int value = (int)(wl_tick_count & 0x7fffffff);
        if (sigqueue(getpid(), SIGUSR1, (union sigval){.sival_int = value})) wl_fail("sigqueue: %s", strerror(errno));
        wl_wait_change(&usr1_count, n1, "SIGUSR1 handler");
        if (usr1_value != (uint64_t)value || (int)usr1_code != SI_QUEUE || (pid_t)usr1_pid != getpid())
            wl_fail("SIGUSR1 siginfo: value %llu code %d pid %d, expected %d %d %d", (unsigned long long)usr1_value,
                    (int)usr1_code, (int)usr1_pid, value, SI_QUEUE, getpid());

        uint64_t n2 = usr2_main_count;
        raise(SIGUSR2);
        wl_wait_change(&usr2_main_count, n2, "SIGUSR2 handler in main");
        if (usr2_unmasked) wl_fail("SIGUSR1 was not blocked inside the SIGUSR2 handler (sa_mask)");

        uint64_t nu = urg_count;
        raise(SIGURG);
        wl_wait_change(&urg_count, nu, "SIGURG handler");
        if (urg_off_altstack) wl_fail("SIGURG handler did not run on the alternate signal stack");

        /* interrupt the worker's read, then feed it */
        uint64_t w2 = usr2_worker_count, wb = worker_bytes;
        int e = pthread_kill(worker, SIGUSR2);
        if (e) wl_fail("pthread_kill(worker): %s", strerror(e));
        wl_wait_change(&usr2_worker_count, w2, "SIGUSR2 handler in the worker");
        unsigned char b = (unsigned char)wb;
        ssize_t w;
        while ((w = write(pipefd[1], &b, 1)) < 0 && errno == EINTR) {}
        if (w != 1) wl_fail("write to pipe: %s", strerror(errno));
        wl_wait_change(&worker_bytes, wb, "worker read");

        wl_sleep_ms(WL_TICK_MS);
        wl_wait_change(&alrm_count, alrm, "SIGALRM count (ITIMER_REAL)");
        wl_tick();
    }
}
