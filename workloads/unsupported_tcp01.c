/*
 * unsupported_tcp01: holds a half-closed TCP connection to a listener in the same process on
 * 127.0.0.1 (the listener is closed once the connection is accepted, so only the two connected
 * ends remain; the client then shuts its sending side: it is in FIN_WAIT2, the server in
 * CLOSE_WAIT). Cryo checkpoints established connections only: `cryo checkpoint` must refuse,
 * naming the pid, an fd and its kind, and leave the process running untouched. Each tick sends a
 * sequence number from the server to the client, the direction still open.
 */
#include "wl.h"
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

static void xfer(int from, int to, uint64_t v, const char *dir) {
    ssize_t n;
    while ((n = send(from, &v, sizeof v, 0)) < 0 && errno == EINTR) {}
    if (n != sizeof v) wl_fail("send %s: %s", dir, strerror(errno));
    uint64_t got = 0;
    size_t have = 0;
    while (have < sizeof got) {
        n = recv(to, (char *)&got + have, sizeof got - have, 0);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) wl_fail("recv %s: %s", dir, n ? strerror(errno) : "connection closed");
        have += (size_t)n;
    }
    if (got != v) wl_fail("%s: received %llu, expected %llu", dir, (unsigned long long)got, (unsigned long long)v);
}

int main(void) {
    int lsn = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = 0, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t alen = sizeof a;
    if (lsn < 0 || bind(lsn, (struct sockaddr *)&a, sizeof a) || listen(lsn, 1) || getsockname(lsn, (struct sockaddr *)&a, &alen))
        wl_fail("listen on 127.0.0.1: %s", strerror(errno));
    int client = socket(AF_INET, SOCK_STREAM, 0);
    if (client < 0 || connect(client, (struct sockaddr *)&a, sizeof a)) wl_fail("connect: %s", strerror(errno));
    int server = accept(lsn, NULL, NULL);
    if (server < 0) wl_fail("accept: %s", strerror(errno));
    close(lsn);
    if (shutdown(client, SHUT_WR)) wl_fail("shutdown: %s", strerror(errno));
    for (uint64_t i = 0;; i++) {
        xfer(server, client, ~i, "server->client");
        wl_tick();
        wl_sleep_ms(WL_TICK_MS);
    }
}
