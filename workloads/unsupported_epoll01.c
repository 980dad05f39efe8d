/*
 * unsupported_epoll01: an epoll watch that outlives the descriptor it was added with. A pipe's read end
 * is watched, then dup'ed and closed: epoll keys the watch by file and fd number, so it stays, under a
 * number that no longer exists in the process, and cannot be registered again. `cryo checkpoint` must
 * refuse, naming the pid, the epoll fd, and leave the process running untouched. Each tick checks the
 * watch still reports the pipe.
 */
#include "wl.h"
#include <sys/epoll.h>

int main(void) {
    int p[2];
    if (pipe(p)) wl_fail("pipe: %s", strerror(errno));
    int ep = epoll_create1(0);
    struct epoll_event e = {.events = EPOLLIN, .data.u64 = 42};
    if (ep < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &e)) wl_fail("epoll: %s", strerror(errno));
    int kept = dup(p[0]);
    close(p[0]);
    for (;;) {
        if (write(p[1], "x", 1) != 1) wl_fail("write: %s", strerror(errno));
        struct epoll_event got;
        if (epoll_wait(ep, &got, 1, 1000) != 1 || got.data.u64 != 42) wl_fail("the orphan watch does not report");
        char c;
        if (read(kept, &c, 1) != 1) wl_fail("read: %s", strerror(errno));
        wl_tick();
        wl_sleep_ms(WL_TICK_MS);
    }
}
