/*
 * unsupported_vfork01: a tree with a process stopped in vfork. R (prints the ticks) forks P; P calls
 * vfork, and its child C never execs nor exits (it sleeps), so P waits in the kernel, where no ptrace
 * interrupt reaches it. R checks P is still there every tick. A checkpoint must refuse, naming P, and
 * leave all three as they were.
 */
#include "wl.h"
#include <sys/wait.h>

int main(void) {
    setvbuf(stdout, NULL, _IOLBF, 0);
    pid_t p = fork();
    if (p < 0) wl_fail("fork: %s", strerror(errno));
    if (p == 0) {
        pid_t c = vfork();
        if (c == 0) {
            for (;;) pause(); /* not allowed after vfork, strictly, but what a stuck child looks like */
        }
        _exit(c < 0 ? 2 : 0);
    }
    for (;;) {
        int st;
        pid_t w = waitpid(p, &st, WNOHANG);
        if (w != 0) wl_fail("P has exited (waitpid %d, status %d)", w, st);
        wl_tick();
        wl_sleep_ms(WL_TICK_MS);
    }
}
