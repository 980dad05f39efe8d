/*
 * shutdown01: sockets shut down in one direction must come back shut down the same way.
 *  - TCP over loopback: the client end is shut down for reading (SHUT_RD: still ESTABLISHED); it reads
 *    end of file at once, and still sends one byte per tick, which the server end receives in order;
 *  - a unix stream socketpair whose end 0 is shut down for writing: end 1 reads end of file, end 0
 *    gets EPIPE when it sends, and end 1 still sends to end 0 (one byte per tick, checked);
 *  - a unix seqpacket socketpair whose end 0 is shut down for reading: end 0 reads end of file, and
 *    end 1 gets EPIPE when it sends.
 * Every check runs every tick; any difference is a FAIL.
 */
#include "wl.h"
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

static void expect_eof(int fd, const char *what) {
    char c;
    ssize_t n = recv(fd, &c, 1, MSG_DONTWAIT);
    if (n != 0) wl_fail("%s: expected end of file, got %zd (%s)", what, n, n < 0 ? strerror(errno) : "data");
}

static void expect_epipe(int fd, const char *what) {
    char c = 'x';
    ssize_t n = send(fd, &c, 1, MSG_DONTWAIT | MSG_NOSIGNAL);
    if (n >= 0 || errno != EPIPE) wl_fail("%s: expected EPIPE, got %zd (%s)", what, n, n < 0 ? strerror(errno) : "sent");
}

/* Sends byte `seq` on `out` and receives it on `in` (waiting up to WL_WAIT_POLLS polls). */
static void round_trip(int out, int in, uint8_t seq, const char *what) {
    if (send(out, &seq, 1, MSG_NOSIGNAL) != 1) wl_fail("%s: send: %s", what, strerror(errno));
    for (int polls = 0;; polls++) {
        uint8_t got;
        ssize_t n = recv(in, &got, 1, MSG_DONTWAIT);
        if (n == 1) {
            if (got != seq) wl_fail("%s: received %u, expected %u", what, got, seq);
            return;
        }
        if (n == 0) wl_fail("%s: the connection was closed", what);
        if (errno != EAGAIN && errno != EINTR) wl_fail("%s: recv: %s", what, strerror(errno));
        if (polls > WL_WAIT_POLLS) wl_fail("%s: byte %u did not arrive", what, seq);
        wl_sleep_ms(WL_POLL_MS);
    }
}

int main(void) {
    int lsn = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof a;
    if (lsn < 0 || bind(lsn, (struct sockaddr *)&a, sizeof a) || listen(lsn, 1) || getsockname(lsn, (struct sockaddr *)&a, &len))
        wl_fail("listen: %s", strerror(errno));
    int client = socket(AF_INET, SOCK_STREAM, 0);
    if (client < 0 || connect(client, (struct sockaddr *)&a, sizeof a)) wl_fail("connect: %s", strerror(errno));
    int server = accept(lsn, NULL, NULL);
    if (server < 0) wl_fail("accept: %s", strerror(errno));
    close(lsn);
    if (shutdown(client, SHUT_RD)) wl_fail("shutdown(SHUT_RD): %s", strerror(errno));

    int stream[2], seqpacket[2];
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, stream) || socketpair(AF_UNIX, SOCK_SEQPACKET, 0, seqpacket))
        wl_fail("socketpair: %s", strerror(errno));
    if (shutdown(stream[0], SHUT_WR) || shutdown(seqpacket[0], SHUT_RD)) wl_fail("shutdown: %s", strerror(errno));

    for (uint8_t seq = 0;; seq++) {
        expect_eof(client, "tcp client (SHUT_RD)");
        round_trip(client, server, seq, "tcp client -> server");
        expect_eof(stream[1], "unix stream end 1 (its peer SHUT_WR)");
        expect_epipe(stream[0], "unix stream end 0 (SHUT_WR)");
        round_trip(stream[1], stream[0], seq, "unix stream end 1 -> end 0");
        expect_eof(seqpacket[0], "unix seqpacket end 0 (SHUT_RD)");
        expect_epipe(seqpacket[1], "unix seqpacket end 1 (its peer SHUT_RD)");
        wl_tick();
        wl_sleep_ms(WL_TICK_MS);
    }
}
