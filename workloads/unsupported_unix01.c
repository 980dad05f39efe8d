/*
 * unsupported_unix01 PATH: holds a unix stream socket connected to a listener of another process at
 * PATH (the test). Cryo cannot re-create a connection to a process outside the checkpoint: `cryo
 * checkpoint` must refuse, naming the pid, the fd and the peer, and leave the process running untouched.
 * Each tick checks the socket is still connected.
 */
#include "wl.h"
#include <sys/socket.h>
#include <sys/un.h>

int main(int argc, char **argv) {
    if (argc < 2) { fprintf(stderr, "usage: unsupported_unix01 PATH\n"); return 2; }
    struct sockaddr_un a = {.sun_family = AF_UNIX};
    snprintf(a.sun_path, sizeof a.sun_path, "%s", argv[1]);
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof a)) wl_fail("connect %s: %s", argv[1], strerror(errno));
    for (;;) {
        struct sockaddr_un peer;
        socklen_t len = sizeof peer;
        if (getpeername(fd, (struct sockaddr *)&peer, &len)) wl_fail("getpeername: %s", strerror(errno));
        wl_tick();
        wl_sleep_ms(WL_TICK_MS);
    }
}
