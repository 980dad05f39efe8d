/*
 * unsupported_soerror01: a UDP socket connected to a loopback port where nothing listens, having sent
 * one datagram there: the ICMP port unreachable leaves ECONNREFUSED pending on it (SO_ERROR). Reading
 * it would clear it, so `cryo checkpoint` must refuse the socket and leave the process untouched; each
 * tick checks (with poll, which does not clear it) that the error is still pending.
 */
#include "wl.h"
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

static int error_pending(int fd) {
    struct pollfd p = {.fd = fd};
    return poll(&p, 1, 0) == 1 && (p.revents & POLLERR);
}

int main(void) {
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof a;
    int closed = socket(AF_INET, SOCK_DGRAM, 0); /* a port that was free a moment ago */
    if (closed < 0 || bind(closed, (struct sockaddr *)&a, sizeof a) || getsockname(closed, (struct sockaddr *)&a, &len))
        wl_fail("bind: %s", strerror(errno));
    close(closed);
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof a)) wl_fail("connect: %s", strerror(errno));
    if (send(fd, "x", 1, 0) != 1) wl_fail("send: %s", strerror(errno));
    for (int polls = 0; !error_pending(fd); polls++) {
        if (polls > WL_WAIT_POLLS) wl_fail("no error became pending");
        wl_sleep_ms(WL_POLL_MS);
    }
    for (;;) {
        if (!error_pending(fd)) wl_fail("the pending error is gone");
        wl_tick();
        wl_sleep_ms(WL_TICK_MS);
    }
}
