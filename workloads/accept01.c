/*
 * accept01 PORTFILE DELAY_MS: a TCP server on 127.0.0.1 that is slow to accept. Its port is written to
 * PORTFILE. A connection is accepted only DELAY_MS after the listener first showed it waiting, so for
 * that long it sits in the accept queue (a checkpoint then finds the listener busy, and must let the
 * server accept it rather than fail or drop it). Each accepted connection is greeted with "hello N\n"
 * (N counts from 1) and then echoes what it receives. Ticks every WL_TICK_MS; FAIL on any error.
 */
#include "wl.h"
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

#define MAX_CONNS 64

static long now_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000L + t.tv_nsec / 1000000L;
}

int main(int argc, char **argv) {
    if (argc < 3) { fprintf(stderr, "usage: accept01 PORTFILE DELAY_MS\n"); return 2; }
    long delay = atol(argv[2]);
    int lsn = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof a;
    if (lsn < 0 || bind(lsn, (struct sockaddr *)&a, sizeof a) || listen(lsn, 16) || getsockname(lsn, (struct sockaddr *)&a, &len))
        wl_fail("listen: %s", strerror(errno));
    char tmp[4200];
    snprintf(tmp, sizeof tmp, "%s.tmp", argv[1]);
    FILE *f = fopen(tmp, "w");
    if (!f || fprintf(f, "%d\n", ntohs(a.sin_port)) < 0 || fclose(f) || rename(tmp, argv[1])) wl_fail("write %s", argv[1]);
    struct pollfd p[MAX_CONNS + 1];
    int conns = 0, accepted = 0;
    long seen = -1, next_tick = now_ms();
    for (;;) {
        p[0] = (struct pollfd){.fd = lsn, .events = POLLIN};
        for (int i = 0; i < conns; i++) p[i + 1].events = POLLIN;
        int n = poll(p, (nfds_t)conns + 1, 10);
        if (n < 0 && errno != EINTR) wl_fail("poll: %s", strerror(errno));
        if (n > 0 && (p[0].revents & POLLIN)) {
            if (seen < 0) seen = now_ms();
            if (now_ms() - seen >= delay) {
                int c = accept(lsn, NULL, NULL);
                if (c < 0) wl_fail("accept: %s", strerror(errno));
                if (conns == MAX_CONNS) wl_fail("too many connections");
                char hello[32];
                int m = snprintf(hello, sizeof hello, "hello %d\n", ++accepted);
                if (send(c, hello, (size_t)m, MSG_NOSIGNAL) != m) wl_fail("send hello: %s", strerror(errno));
                p[++conns] = (struct pollfd){.fd = c, .events = POLLIN};
                seen = -1;
            }
        }
        for (int i = 1; n > 0 && i <= conns; i++) {
            if (!(p[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
            char buf[4096];
            ssize_t r = recv(p[i].fd, buf, sizeof buf, MSG_DONTWAIT);
            if (r < 0 && (errno == EAGAIN || errno == EINTR)) continue;
            if (r <= 0) { /* the client went away: forget it */
                close(p[i].fd);
                p[i] = p[conns--];
                i--;
                continue;
            }
            if (send(p[i].fd, buf, (size_t)r, MSG_NOSIGNAL) != r) wl_fail("echo: %s", strerror(errno));
        }
        if (now_ms() >= next_tick) {
            int v = 0;
            socklen_t vl = sizeof v;
            if (getsockopt(lsn, SOL_SOCKET, SO_ACCEPTCONN, &v, &vl) || !v) wl_fail("no longer listening");
            wl_tick();
            next_tick = now_ms() + WL_TICK_MS;
        }
    }
}
