/*
 * events01: eventfd, timerfd and signalfd whose state a restore must rebuild, checked on every tick.
 *   - counter eventfd (O_NONBLOCK, FD_CLOEXEC): 3 added per tick, read out every 4th tick; the count held
 *     by the kernel must always be what we added since the last read (checked through /proc/self/fdinfo
 *     without consuming it, then by read);
 *   - semaphore eventfd (blocking): filled with 1000, one taken per tick (read must return 1), refilled;
 *     EFD_SEMAPHORE must survive (a plain eventfd would return the whole count);
 *   - periodic timerfd, CLOCK_MONOTONIC, 20 ms: read per tick, at least one expiration; its interval must
 *     stay 20 ms;
 *   - one-shot relative timerfd, CLOCK_BOOTTIME, 1000 s: must stay armed with at most 1000 s left;
 *   - TFD_TIMER_ABSTIME timerfd, CLOCK_REALTIME, deadline an hour ahead: the deadline (now + time left)
 *     must not move;
 *   - an expired one-shot timerfd never read: fdinfo must show exactly 1 tick, every tick;
 *   - signalfd for SIGUSR1|SIGUSR2 (both blocked): SIGUSR1 sent to ourselves per tick must be read from
 *     it; a SIGUSR2 kept pending must stay pending and readable;
 * Fd numbers, flags and clocks are checked every tick.
 */
#include "wl.h"
#include <poll.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>

static int ev_count, ev_sem, tm_periodic, tm_oneshot, tm_abs, tm_expired, sig_fd;
static uint64_t ev_added, sem_left;
static struct timespec abs_deadline;

/* The value of "key" in /proc/self/fdinfo/FD, parsed in `base`; -1 if absent. */
static long long fdinfo_value(int fd, const char *key, int base) {
    char path[64], buf[4096];
    snprintf(path, sizeof path, "/proc/self/fdinfo/%d", fd);
    wl_read_file(path, buf, sizeof buf);
    char *p = strstr(buf, key);
    if (!p) return -1;
    p += strlen(key);
    while (*p == ' ' || *p == '\t' || *p == ':') p++;
    return strtoll(p, NULL, base);
}

static void check_flags(const char *what, int fd, int want_cloexec, int want_nonblock) {
    int fdflags = fcntl(fd, F_GETFD), fl = fcntl(fd, F_GETFL);
    if (fdflags < 0 || fl < 0) wl_fail("%s: fd %d is not open: %s", what, fd, strerror(errno));
    if (!!(fdflags & FD_CLOEXEC) != want_cloexec) wl_fail("%s: FD_CLOEXEC is %s", what, want_cloexec ? "off" : "on");
    if (!!(fl & O_NONBLOCK) != want_nonblock) wl_fail("%s: O_NONBLOCK is %s", what, want_nonblock ? "off" : "on");
}

static long long ns(struct timespec t) { return t.tv_sec * 1000000000LL + t.tv_nsec; }

static void tick_events(void) {
    uint64_t v;
    /* counter eventfd */
    long long held = fdinfo_value(ev_count, "eventfd-count", 16);
    if (held != (long long)ev_added) wl_fail("eventfd holds %lld, expected %llu", held, (unsigned long long)ev_added);
    v = 3;
    if (write(ev_count, &v, 8) != 8) wl_fail("write eventfd: %s", strerror(errno));
    ev_added += 3;
    if (wl_tick_count % 4 == 3) {
        if (read(ev_count, &v, 8) != 8) wl_fail("read eventfd: %s", strerror(errno));
        if (v != ev_added) wl_fail("eventfd read %llu, expected %llu", (unsigned long long)v, (unsigned long long)ev_added);
        ev_added = 0;
        if (read(ev_count, &v, 8) != -1 || errno != EAGAIN) wl_fail("empty non-blocking eventfd did not say EAGAIN");
    }
    check_flags("counter eventfd", ev_count, 1, 1);

    /* semaphore eventfd */
    if (read(ev_sem, &v, 8) != 8) wl_fail("read semaphore eventfd: %s", strerror(errno));
    if (v != 1) wl_fail("semaphore eventfd read %llu, expected 1 (EFD_SEMAPHORE lost?)", (unsigned long long)v);
    sem_left--;
    if (fdinfo_value(ev_sem, "eventfd-count", 16) != (long long)sem_left) wl_fail("semaphore eventfd holds %lld, expected %llu",
            fdinfo_value(ev_sem, "eventfd-count", 16), (unsigned long long)sem_left);
    if (sem_left < 10) { v = 1000; if (write(ev_sem, &v, 8) != 8) wl_fail("refill semaphore"); sem_left += 1000; }
    check_flags("semaphore eventfd", ev_sem, 0, 0);

    /* periodic timer */
    struct pollfd p = {tm_periodic, POLLIN, 0};
    if (poll(&p, 1, 5000) != 1) wl_fail("periodic timerfd did not fire within 5 s");
    if (read(tm_periodic, &v, 8) != 8 || v < 1) wl_fail("read periodic timerfd: %s", strerror(errno));
    struct itimerspec cur;
    if (timerfd_gettime(tm_periodic, &cur)) wl_fail("timerfd_gettime");
    if (ns(cur.it_interval) != 20000000LL) wl_fail("periodic timerfd interval is %lld ns", ns(cur.it_interval));
    if (fdinfo_value(tm_periodic, "clockid", 10) != CLOCK_MONOTONIC) wl_fail("periodic timerfd lost its clock");
    check_flags("periodic timerfd", tm_periodic, 1, 0);

    /* one-shot relative timer: still armed */
    if (timerfd_gettime(tm_oneshot, &cur)) wl_fail("timerfd_gettime");
    if (ns(cur.it_value) <= 0 || ns(cur.it_value) > 1000000000000LL || ns(cur.it_interval) != 0)
        wl_fail("one-shot timerfd: %lld ns left, interval %lld", ns(cur.it_value), ns(cur.it_interval));
    if (fdinfo_value(tm_oneshot, "clockid", 10) != CLOCK_BOOTTIME) wl_fail("one-shot timerfd lost CLOCK_BOOTTIME");
    check_flags("one-shot timerfd", tm_oneshot, 0, 1);

    /* absolute timer: deadline fixed */
    struct timespec now;
    if (timerfd_gettime(tm_abs, &cur) || clock_gettime(CLOCK_REALTIME, &now)) wl_fail("timerfd_gettime");
    long long drift = ns(now) + ns(cur.it_value) - ns(abs_deadline);
    if (ns(cur.it_value) == 0 || drift < -100000000LL || drift > 100000000LL)
        wl_fail("absolute timerfd: deadline moved by %lld ns", drift);
    if (fdinfo_value(tm_abs, "settime flags", 8) != TFD_TIMER_ABSTIME) wl_fail("absolute timerfd lost TFD_TIMER_ABSTIME");

    /* expired, unread */
    if (fdinfo_value(tm_expired, "ticks", 10) != 1) wl_fail("expired timerfd shows %lld ticks, expected 1", fdinfo_value(tm_expired, "ticks", 10));
    p = (struct pollfd){tm_expired, POLLIN, 0};
    if (poll(&p, 1, 0) != 1) wl_fail("expired timerfd is not readable");

    /* signalfd */
    if (kill(getpid(), SIGUSR1)) wl_fail("kill");
    struct signalfd_siginfo si;
    ssize_t n = read(sig_fd, &si, sizeof si);
    if (n != sizeof si) wl_fail("read signalfd: %s", strerror(errno));
    if (si.ssi_signo != SIGUSR1 && si.ssi_signo != SIGUSR2) wl_fail("signalfd read signal %u", si.ssi_signo);
    if (si.ssi_signo == SIGUSR2) wl_fail("signalfd gave SIGUSR2 before SIGUSR1 (it is the lower signal)");
    sigset_t pend;
    sigpending(&pend);
    if (!sigismember(&pend, SIGUSR2)) wl_fail("SIGUSR2 is no longer pending");
    if (sigismember(&pend, SIGUSR1)) wl_fail("SIGUSR1 still pending after the signalfd read it");
    unsigned long long mask = (unsigned long long)fdinfo_value(sig_fd, "sigmask", 16);
    if (mask != ((1ULL << (SIGUSR1 - 1)) | (1ULL << (SIGUSR2 - 1)))) wl_fail("signalfd mask is %#llx", mask);
    check_flags("signalfd", sig_fd, 1, 1);
}

int main(void) {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    sigaddset(&set, SIGUSR2);
    if (sigprocmask(SIG_BLOCK, &set, NULL)) wl_fail("sigprocmask");

    ev_count = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    ev_sem = eventfd(0, EFD_SEMAPHORE);
    uint64_t v = 1000;
    if (ev_count < 0 || ev_sem < 0 || write(ev_sem, &v, 8) != 8) wl_fail("eventfd: %s", strerror(errno));
    sem_left = 1000;

    struct itimerspec its = {{0, 20000000}, {0, 20000000}};
    tm_periodic = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC);
    if (tm_periodic < 0 || timerfd_settime(tm_periodic, 0, &its, NULL)) wl_fail("timerfd periodic: %s", strerror(errno));
    tm_oneshot = timerfd_create(CLOCK_BOOTTIME, TFD_NONBLOCK);
    its = (struct itimerspec){{0, 0}, {1000, 0}};
    if (tm_oneshot < 0 || timerfd_settime(tm_oneshot, 0, &its, NULL)) wl_fail("timerfd one-shot: %s", strerror(errno));
    tm_abs = timerfd_create(CLOCK_REALTIME, 0);
    clock_gettime(CLOCK_REALTIME, &abs_deadline);
    abs_deadline.tv_sec += 3600;
    its = (struct itimerspec){{0, 0}, abs_deadline};
    if (tm_abs < 0 || timerfd_settime(tm_abs, TFD_TIMER_ABSTIME, &its, NULL)) wl_fail("timerfd abs: %s", strerror(errno));
    tm_expired = timerfd_create(CLOCK_MONOTONIC, 0);
    its = (struct itimerspec){{0, 0}, {0, 1000}};
    if (tm_expired < 0 || timerfd_settime(tm_expired, 0, &its, NULL)) wl_fail("timerfd expired: %s", strerror(errno));
    struct pollfd p = {tm_expired, POLLIN, 0};
    if (poll(&p, 1, 5000) != 1) wl_fail("one-shot 1 us timer did not fire");

    sig_fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
    if (sig_fd < 0) wl_fail("signalfd: %s", strerror(errno));
    if (kill(getpid(), SIGUSR2)) wl_fail("kill SIGUSR2");

    for (;;) {
        tick_events();
        wl_tick();
        wl_sleep_ms(WL_TICK_MS);
    }
}
