/*
 * unsupported_uring01: holds an io_uring instance (fd from io_uring_setup), which Cryo cannot
 * checkpoint: `cryo checkpoint` must refuse, naming the pid, the fd and its kind, and leave the
 * process running untouched. Each tick checks the ring fd is still open and still an io_uring.
 * Prints `UNAVAILABLE <why>` and exits 3 when the kernel does not let us create a ring.
 */
#include "wl.h"
#include <linux/io_uring.h>

int main(void) {
    struct io_uring_params p;
    memset(&p, 0, sizeof p);
    int fd = (int)syscall(SYS_io_uring_setup, 8, &p);
    if (fd < 0) {
        printf("UNAVAILABLE io_uring_setup: %s\n", strerror(errno));
        fflush(stdout);
        return 3;
    }
    char link[64], target[128];
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    for (;;) {
        ssize_t n = readlink(link, target, sizeof target - 1);
        if (n < 0) wl_fail("io_uring fd %d: %s", fd, strerror(errno));
        target[n] = 0;
        if (!strstr(target, "io_uring")) wl_fail("fd %d is %s, not the io_uring", fd, target);
        wl_tick();
        wl_sleep_ms(WL_TICK_MS);
    }
}
