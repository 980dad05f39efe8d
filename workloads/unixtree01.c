/*
 * unixtree01: unix socketpairs whose two ends live in different processes, with data in flight both ways.
 *   The root R creates three socketpairs (stream, datagram, seqpacket), then forks a child C; R keeps
 *   end 0 of each pair and closes end 1, C keeps end 1 and closes end 0. Both sides send a numbered
 *   record on every pair every 10 ms and read only every 50 ms, so records wait in both receive queues
 *   most of the time. A record is an 8-byte number followed by (n % 17) bytes of a pattern derived from
 *   n: the reader checks the numbers follow each other, and on datagram and seqpacket sockets that each
 *   message comes whole and alone (its boundaries survive). R prints the ticks, checks C is alive and that
 *   C's records keep coming; C checks its parent is still R and that R's records keep coming; either
 *   prints FAIL (to the stdout they share) and exits on any broken invariant.
 */
#include "wl.h"
#include <sys/socket.h>
#include <sys/wait.h>

#define PAIRS 3
static const int types[PAIRS] = {SOCK_STREAM, SOCK_DGRAM, SOCK_SEQPACKET};
static const char *names[PAIRS] = {"stream", "dgram", "seqpacket"};

struct side {
    const char *who;
    int fd[PAIRS];
    uint64_t sent[PAIRS], expect[PAIRS];
    unsigned char stream_buf[4096]; /* a stream's bytes not yet making a whole record */
    size_t stream_len;
};

static size_t record(uint64_t n, unsigned char *out) {
    memcpy(out, &n, 8);
    size_t extra = n % 17;
    for (size_t i = 0; i < extra; i++) out[8 + i] = (unsigned char)(n * 31 + i);
    return 8 + extra;
}

static void send_all(struct side *s) {
    for (int p = 0; p < PAIRS; p++) {
        unsigned char rec[32];
        size_t len = record(s->sent[p], rec);
        ssize_t w = send(s->fd[p], rec, len, MSG_DONTWAIT | MSG_NOSIGNAL);
        if (w == (ssize_t)len) s->sent[p]++;
        else if (w >= 0 && types[p] == SOCK_STREAM) wl_fail("%s: %s: sent %zd of %zu bytes", s->who, names[p], w, len);
        else if (w < 0 && errno != EAGAIN && errno != EINTR) wl_fail("%s: %s: send: %s", s->who, names[p], strerror(errno));
    }
}

/* Checks one record at buf (len bytes, known to be whole): its number and its pattern. */
static void check_record(struct side *s, int p, const unsigned char *buf, size_t len) {
    unsigned char want[32];
    size_t wlen = record(s->expect[p], want);
    if (len != wlen || memcmp(buf, want, len)) {
        uint64_t got = 0;
        if (len >= 8) memcpy(&got, buf, 8);
        wl_fail("%s: %s: record %llu of %zu bytes, expected %llu of %zu", s->who, names[p],
                (unsigned long long)got, len, (unsigned long long)s->expect[p], wlen);
    }
    s->expect[p]++;
}

static void receive_all(struct side *s) {
    for (int p = 0; p < PAIRS; p++) {
        for (;;) {
            unsigned char buf[64];
            if (types[p] == SOCK_STREAM) {
                ssize_t r = recv(s->fd[p], s->stream_buf + s->stream_len, sizeof s->stream_buf - s->stream_len, MSG_DONTWAIT);
                if (r == 0) wl_fail("%s: stream: the other end was closed", s->who);
                if (r < 0) break;
                s->stream_len += r;
                size_t off = 0;
                for (;;) { /* whole records only: the length follows from the number */
                    if (s->stream_len - off < 8) break;
                    uint64_t n;
                    memcpy(&n, s->stream_buf + off, 8);
                    size_t len = 8 + n % 17;
                    if (s->stream_len - off < len) break;
                    check_record(s, p, s->stream_buf + off, len);
                    off += len;
                }
                memmove(s->stream_buf, s->stream_buf + off, s->stream_len - off);
                s->stream_len -= off;
            } else {
                ssize_t r = recv(s->fd[p], buf, sizeof buf, MSG_DONTWAIT | MSG_TRUNC);
                if (r < 0) break;
                if (r == 0 && types[p] == SOCK_SEQPACKET) wl_fail("%s: seqpacket: the other end was closed", s->who);
                if (r > (ssize_t)sizeof buf) wl_fail("%s: %s: a message of %zd bytes", s->who, names[p], r);
                check_record(s, p, buf, r);
            }
        }
        if (errno != EAGAIN && errno != EINTR) wl_fail("%s: %s: recv: %s", s->who, names[p], strerror(errno));
    }
}

/* Five sends, one receive: a round of 50 ms that leaves records waiting. Returns the records received. */
static uint64_t round_trip(struct side *s) {
    for (int i = 0; i < 5; i++) {
        send_all(s);
        wl_sleep_ms(10);
    }
    receive_all(s);
    uint64_t total = 0;
    for (int p = 0; p < PAIRS; p++) total += s->expect[p];
    return total;
}

int main(void) {
    setvbuf(stdout, NULL, _IOLBF, 0);
    int sv[PAIRS][2];
    for (int p = 0; p < PAIRS; p++) {
        if (socketpair(AF_UNIX, types[p], 0, sv[p])) wl_fail("socketpair %s: %s", names[p], strerror(errno));
    }
    pid_t root = getpid();
    pid_t child = fork();
    if (child < 0) wl_fail("fork: %s", strerror(errno));
    static struct side s;
    int mine = child == 0 ? 1 : 0;
    s.who = child == 0 ? "C" : "R";
    for (int p = 0; p < PAIRS; p++) {
        close(sv[p][1 - mine]);
        s.fd[p] = sv[p][mine];
    }
    uint64_t last = 0;
    int stale = 0;
    for (;;) {
        uint64_t got = round_trip(&s);
        stale = got != last ? 0 : stale + 1;
        last = got;
        if (stale > 400) wl_fail("%s: no record came for 400 rounds (at %llu)", s.who, (unsigned long long)got);
        if (child == 0) {
            if (getppid() != root) wl_fail("C: parent is %d, expected %d", getppid(), root);
            continue;
        }
        int st;
        if (waitpid(child, &st, WNOHANG) != 0) wl_fail("R: child %d exited (status %#x)", child, st);
        wl_tick();
    }
}
