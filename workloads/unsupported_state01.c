/*
 * unsupported_state01 KIND [FILE]: holds process state Cryo does not save yet, which `cryo checkpoint` must
 * refuse by name (and leave the process running untouched) rather than drop silently:
 *   seccomp  a seccomp filter that allows everything
 * and two kinds Cryo saves now (tested by timers01 and locks01), kept as plain workloads:
 *   timer    a POSIX timer (timer_create), firing SIGRTMIN every 20 ms; the count must keep growing
 *   flock    an flock() on FILE (created)
 * Each tick checks that what it holds is still in place.
 */
#include "wl.h"
#include <linux/filter.h>
#include <signal.h>
#include <time.h>
#include <linux/seccomp.h>
#include <sys/file.h>
#include <sys/prctl.h>

static volatile uint64_t fired;
static void on_timer(int sig) { (void)sig; fired++; }

int main(int argc, char **argv) {
    const char *kind = argc > 1 ? argv[1] : "";
    int lock_fd = -1;
    if (!strcmp(kind, "timer")) {
        signal(SIGRTMIN, on_timer);
        struct sigevent ev = {.sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGRTMIN};
        timer_t t;
        if (timer_create(CLOCK_MONOTONIC, &ev, &t)) wl_fail("timer_create: %s", strerror(errno));
        struct itimerspec its = {.it_interval = {0, 20 * 1000 * 1000}, .it_value = {0, 20 * 1000 * 1000}};
        if (timer_settime(t, 0, &its, NULL)) wl_fail("timer_settime: %s", strerror(errno));
    } else if (!strcmp(kind, "flock")) {
        if (argc < 3) wl_fail("usage: unsupported_state01 flock FILE");
        lock_fd = open(argv[2], O_RDWR | O_CREAT, 0600);
        if (lock_fd < 0 || flock(lock_fd, LOCK_EX)) wl_fail("flock: %s", strerror(errno));
    } else if (!strcmp(kind, "seccomp")) {
        struct sock_filter allow[] = {BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW)};
        struct sock_fprog prog = {.len = 1, .filter = allow};
        if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) || prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog))
            wl_fail("seccomp: %s", strerror(errno));
    } else {
        wl_fail("usage: unsupported_state01 timer|flock FILE|seccomp");
    }
    for (;;) {
        if (!strcmp(kind, "timer")) wl_wait_change(&fired, fired, "POSIX timer signal count");
        if (lock_fd >= 0 && flock(lock_fd, LOCK_EX | LOCK_NB)) wl_fail("lost the flock: %s", strerror(errno));
        if (!strcmp(kind, "seccomp") && prctl(PR_GET_SECCOMP) != 2) wl_fail("seccomp mode is not 2");
        wl_tick();
        wl_sleep_ms(WL_TICK_MS);
    }
}
