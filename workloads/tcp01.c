/*
 * tcp01 [4|6] [threads]: an established TCP connection over loopback (127.0.0.1, or ::1 with "6")
 * between two processes of one tree (the parent accepts, the child connects), or with "threads" between
 * two threads of one process; the listener is closed. Each side
 * streams a numbered byte sequence to the other as fast as the connection takes it, and reads only
 * half as fast, so at any instant both send queues hold bytes the peer has not taken and both receive
 * queues hold bytes not yet read. Every byte received is checked against its position in the stream:
 * nothing may be lost, duplicated or reordered across a checkpoint and restore. The accepting side
 * ticks; the other only reports FAIL. Either fails when nothing arrives for WL_WAIT_POLLS polls, or the peer closes.
 */
#include "wl.h"
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>

#define BURST (64 * 1024)
#define READ (32 * 1024)
#define BUFFER (256 * 1024)

/* The byte at position p of the stream sent by side `from` (0 parent, 1 child). */
static inline uint8_t stream_byte(uint64_t p, int from) {
    uint64_t word = ((p >> 3) + 1 + ((uint64_t)from << 40)) * 0x9E3779B97F4A7C15ULL;
    return (uint8_t)(word >> ((p & 7) * 8));
}

/* The options the restore must keep: SO_REUSEADDR (the accepted side inherits the listener's), TCP_NODELAY. */
static void check_options(int fd, int from) {
    int v = -1;
    socklen_t len = sizeof v;
    if (getsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &v, &len)) wl_fail("side %d: SO_REUSEADDR: %s", from, strerror(errno));
    if (v != (from == 0)) wl_fail("side %d: SO_REUSEADDR is %d", from, v);
    len = sizeof v;
    if (getsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &v, &len)) wl_fail("side %d: TCP_NODELAY: %s", from, strerror(errno));
    if (v != (from == 1)) wl_fail("side %d: TCP_NODELAY is %d", from, v);
}

static void run(int fd, int from, int ticks) {
    uint8_t *out = malloc(BURST), *in = malloc(READ);
    if (!out || !in) wl_fail("malloc");
    uint64_t sent = 0, received = 0;
    int idle = 0;
    for (int round = 0;; round++) {
        for (size_t i = 0; i < BURST; i++) out[i] = stream_byte(sent + i, from);
        ssize_t n = send(fd, out, BURST, MSG_DONTWAIT | MSG_NOSIGNAL);
        if (n > 0) sent += (uint64_t)n;
        else if (n < 0 && errno != EAGAIN && errno != EINTR) wl_fail("side %d: send at byte %llu: %s", from, (unsigned long long)sent, strerror(errno));
        n = recv(fd, in, READ, MSG_DONTWAIT);
        if (n == 0) wl_fail("side %d: the peer closed the connection after %llu bytes", from, (unsigned long long)received);
        if (n < 0) {
            if (errno != EAGAIN && errno != EINTR) wl_fail("side %d: recv at byte %llu: %s", from, (unsigned long long)received, strerror(errno));
            if (++idle > WL_WAIT_POLLS) wl_fail("side %d: nothing received for %d polls (at byte %llu)", from, idle, (unsigned long long)received);
        } else {
            idle = 0;
            for (ssize_t i = 0; i < n; i++) {
                uint8_t want = stream_byte(received + (uint64_t)i, 1 - from);
                if (in[i] != want)
                    wl_fail("side %d: byte %llu of the stream is %u, expected %u", from, (unsigned long long)(received + (uint64_t)i), in[i], want);
            }
            received += (uint64_t)n;
        }
        if (round % (WL_TICK_MS / WL_POLL_MS) == 0) {
            check_options(fd, from);
            if (ticks) wl_tick();
        }
        wl_sleep_ms(WL_POLL_MS);
    }
}

static void *client_thread(void *fd) {
    run((int)(intptr_t)fd, 1, 0);
    return NULL;
}

int main(int argc, char **argv) {
    int six = argc > 1 && strcmp(argv[1], "6") == 0;
    int family = six ? AF_INET6 : AF_INET;
    struct sockaddr_storage a = {0};
    socklen_t alen;
    if (six) {
        struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)&a;
        a6->sin6_family = AF_INET6;
        a6->sin6_addr = in6addr_loopback;
        alen = sizeof *a6;
    } else {
        struct sockaddr_in *a4 = (struct sockaddr_in *)&a;
        a4->sin_family = AF_INET;
        a4->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        alen = sizeof *a4;
    }
    int buffer = BUFFER, one = 1;
    int lsn = socket(family, SOCK_STREAM, 0);
    if (lsn < 0 || setsockopt(lsn, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one)
        || setsockopt(lsn, SOL_SOCKET, SO_RCVBUF, &buffer, sizeof buffer)
        || bind(lsn, (struct sockaddr *)&a, alen) || listen(lsn, 1) || getsockname(lsn, (struct sockaddr *)&a, &alen))
        wl_fail("listen on loopback: %s", strerror(errno));
    int client = socket(family, SOCK_STREAM, 0);
    if (client < 0 || setsockopt(client, SOL_SOCKET, SO_RCVBUF, &buffer, sizeof buffer)
        || setsockopt(client, SOL_SOCKET, SO_SNDBUF, &buffer, sizeof buffer)
        || setsockopt(client, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one)
        || connect(client, (struct sockaddr *)&a, alen))
        wl_fail("connect: %s", strerror(errno));
    int server = accept(lsn, NULL, NULL);
    if (server < 0) wl_fail("accept: %s", strerror(errno));
    close(lsn);
    if (argc > 2 && strcmp(argv[2], "threads") == 0) {
        pthread_t t;
        if (pthread_create(&t, NULL, client_thread, (void *)(intptr_t)client)) wl_fail("pthread_create");
        run(server, 0, 1);
    }
    pid_t child = fork();
    if (child < 0) wl_fail("fork: %s", strerror(errno));
    if (child == 0) {
        close(server);
        run(client, 1, 0);
    }
    close(client);
    run(server, 0, 1);
}
