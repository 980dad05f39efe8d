/*
 * unsupported_backlog01 PORTFILE: a TCP listener on 127.0.0.1 that never accepts; its port is written to
 * PORTFILE. Once a client has connected, a connection waits in the accept queue: its client believes it
 * is connected, so `cryo checkpoint` must refuse (naming the pid, the fd and the queue) rather than drop
 * it, and leave the process running untouched. Each tick checks the listener is still listening.
 */
#include "wl.h"
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

int main(int argc, char **argv) {
    if (argc < 2) { fprintf(stderr, "usage: unsupported_backlog01 PORTFILE\n"); return 2; }
    int lsn = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof a;
    if (lsn < 0 || bind(lsn, (struct sockaddr *)&a, sizeof a) || listen(lsn, 4) || getsockname(lsn, (struct sockaddr *)&a, &len))
        wl_fail("listen: %s", strerror(errno));
    char tmp[4200];
    snprintf(tmp, sizeof tmp, "%s.tmp", argv[1]);
    FILE *f = fopen(tmp, "w");
    if (!f || fprintf(f, "%d\n", ntohs(a.sin_port)) < 0 || fclose(f) || rename(tmp, argv[1])) wl_fail("write %s", argv[1]);
    for (;;) {
        int v = 0;
        socklen_t n = sizeof v;
        if (getsockopt(lsn, SOL_SOCKET, SO_ACCEPTCONN, &v, &n) || !v) wl_fail("no longer listening");
        wl_tick();
        wl_sleep_ms(WL_TICK_MS);
    }
}
