/*
 * unix01 DIR: unix sockets held by one process, with data waiting in them, checked on every tick.
 *   - socketpairs of each type (stream, dgram, seqpacket) with data queued in both directions: every tick
 *     one chunk (stream) or one message (dgram, seqpacket: sizes vary, boundaries must hold) is read from
 *     each end and checked against the sequence written; the queues are refilled when low, so a
 *     checkpoint always finds bytes waiting both ways;
 *   - a stream listener bound to DIR/listen.sock (mode 0640) and a seqpacket listener with an abstract
 *     name: every tick a client connects, a message goes each way, both close;
 *   - a long-lived connection made through the path listener (both ends inside the process), with data
 *     waiting on it, read like the socketpairs;
 *   - a datagram socket bound to DIR/dgram.sock and a client connected to it (one way): one datagram per tick.
 * Fd numbers, O_NONBLOCK and the socket file's mode are checked every tick.
 */
#include "wl.h"
#include <sys/socket.h>
#include <sys/stat.h>
#include <stddef.h>
#include <sys/un.h>

#define LOW 4096
#define HIGH 12288
#define CHUNK 300

struct stream_dir { int from, to; uint64_t written, read; uint64_t seed; };
static struct stream_dir sdir[4]; /* pair stream a->b, b->a, inner connection c->s, s->c */
struct msg_dir { int from, to; uint64_t sent, got; uint64_t seed; int queued; };
static struct msg_dir mdir[4];   /* dgram a->b, b->a, seqpacket a->b, b->a */
static int listener, seq_listener, dgram_srv, dgram_cli;
static struct sockaddr_un listen_addr, seq_addr, dgram_addr;
static socklen_t seq_len;
static char dir[4096];

static unsigned char byte_at(uint64_t seed, uint64_t k) { return (unsigned char)(wl_pattern(seed, k / 8) >> (8 * (k % 8))); }
static size_t msg_size(uint64_t seed, uint64_t i) { return 1 + (size_t)(wl_pattern(seed, i) % 700); }

static void refill_stream(struct stream_dir *d) {
    unsigned char buf[1024];
    while (d->written - d->read < HIGH) {
        for (size_t k = 0; k < sizeof buf; k++) buf[k] = byte_at(d->seed, d->written + k);
        ssize_t n = write(d->from, buf, sizeof buf);
        if (n <= 0) wl_fail("stream write (seed %llx): %s", (unsigned long long)d->seed, strerror(errno));
        d->written += (uint64_t)n;
    }
}

static void tick_stream(struct stream_dir *d, const char *what) {
    unsigned char buf[CHUNK];
    size_t got = 0;
    while (got < CHUNK) {
        ssize_t n = read(d->to, buf + got, CHUNK - got);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) wl_fail("%s: read: %s", what, n == 0 ? "end of stream" : strerror(errno));
        got += (size_t)n;
    }
    for (size_t k = 0; k < CHUNK; k++)
        if (buf[k] != byte_at(d->seed, d->read + k)) wl_fail("%s: byte %llu is wrong", what, (unsigned long long)(d->read + k));
    d->read += CHUNK;
    if (d->written - d->read < LOW) refill_stream(d);
}

static void send_msg(struct msg_dir *d) {
    unsigned char buf[1024];
    size_t len = msg_size(d->seed, d->sent);
    for (size_t k = 0; k < len; k++) buf[k] = byte_at(d->seed ^ d->sent, k);
    if (send(d->from, buf, len, 0) != (ssize_t)len) wl_fail("send message: %s", strerror(errno));
    d->sent++;
}

static void tick_msgs(struct msg_dir *d, const char *what) {
    unsigned char buf[2048];
    ssize_t n;
    do n = recv(d->to, buf, sizeof buf, 0); while (n < 0 && errno == EINTR);
    if (n < 0) wl_fail("%s: recv: %s", what, strerror(errno));
    size_t want = msg_size(d->seed, d->got);
    if ((size_t)n != want) wl_fail("%s: message %llu has %zd bytes, expected %zu", what, (unsigned long long)d->got, n, want);
    for (size_t k = 0; k < want; k++)
        if (buf[k] != byte_at(d->seed ^ d->got, k)) wl_fail("%s: message %llu byte %zu is wrong", what, (unsigned long long)d->got, k);
    d->got++;
    while (d->sent - d->got < 8) send_msg(d);
}

static void check_nonblock(const char *what, int fd, int want) {
    int fl = fcntl(fd, F_GETFL);
    if (fl < 0) wl_fail("%s: fd %d is closed", what, fd);
    if (!!(fl & O_NONBLOCK) != want) wl_fail("%s: O_NONBLOCK is %s", what, want ? "off" : "on");
}

static void connect_exchange(const char *what, int lst, int type, const struct sockaddr_un *addr, socklen_t len) {
    int c = socket(AF_UNIX, type | SOCK_CLOEXEC, 0);
    if (c < 0 || connect(c, (const struct sockaddr *)addr, len)) wl_fail("%s: connect: %s", what, strerror(errno));
    int a = accept4(lst, NULL, NULL, SOCK_CLOEXEC);
    if (a < 0) wl_fail("%s: accept: %s", what, strerror(errno));
    char m[32], r[32];
    snprintf(m, sizeof m, "hello %llu", (unsigned long long)wl_tick_count);
    if (send(c, m, sizeof m, 0) != sizeof m || recv(a, r, sizeof r, 0) != sizeof r || memcmp(m, r, sizeof m)) wl_fail("%s: client -> server", what);
    if (send(a, m, sizeof m, 0) != sizeof m || recv(c, r, sizeof r, 0) != sizeof r || memcmp(m, r, sizeof m)) wl_fail("%s: server -> client", what);
    close(c);
    close(a);
}

static void tick_unix(void) {
    static const char *sname[] = {"stream pair a->b", "stream pair b->a", "inner connection c->s", "inner connection s->c"};
    static const char *mname[] = {"dgram pair a->b", "dgram pair b->a", "seqpacket pair a->b", "seqpacket pair b->a"};
    for (int i = 0; i < 4; i++) tick_stream(&sdir[i], sname[i]);
    for (int i = 0; i < 4; i++) tick_msgs(&mdir[i], mname[i]);
    check_nonblock("stream pair a", sdir[0].from, 1);
    check_nonblock("stream pair b", sdir[0].to, 0);

    struct stat st;
    char path[4200];
    snprintf(path, sizeof path, "%s/listen.sock", dir);
    if (stat(path, &st) || !S_ISSOCK(st.st_mode) || (st.st_mode & 07777) != 0640)
        wl_fail("%s: not a socket of mode 0640 (%o)", path, st.st_mode);
    connect_exchange("path listener", listener, SOCK_STREAM, &listen_addr, sizeof listen_addr);
    connect_exchange("abstract listener", seq_listener, SOCK_SEQPACKET, &seq_addr, seq_len);

    uint64_t v = wl_pattern(0xD6, wl_tick_count), back;
    if (send(dgram_cli, &v, 8, 0) != 8) wl_fail("dgram client send: %s", strerror(errno));
    if (recv(dgram_srv, &back, 8, 0) != 8 || back != v) wl_fail("dgram server did not get the client's datagram");
}

static int unix_socket(int type) {
    int fd = socket(AF_UNIX, type, 0);
    if (fd < 0) wl_fail("socket: %s", strerror(errno));
    return fd;
}

static void path_addr(struct sockaddr_un *a, const char *name) {
    *a = (struct sockaddr_un){.sun_family = AF_UNIX};
    snprintf(a->sun_path, sizeof a->sun_path, "%.80s/%.20s", dir, name);
    unlink(a->sun_path);
}

int main(int argc, char **argv) {
    if (argc < 2 || !realpath(argv[1], dir)) { fprintf(stderr, "usage: unix01 DIR\n"); return 2; }
    if (strlen(dir) > 80) { fprintf(stderr, "unix01: DIR too long for a socket path\n"); return 2; }
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv)) wl_fail("socketpair: %s", strerror(errno));
    fcntl(sv[0], F_SETFL, O_NONBLOCK);
    sdir[0] = (struct stream_dir){sv[0], sv[1], 0, 0, 0x51};
    sdir[1] = (struct stream_dir){sv[1], sv[0], 0, 0, 0x52};
    if (socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, sv)) wl_fail("socketpair dgram: %s", strerror(errno));
    mdir[0] = (struct msg_dir){sv[0], sv[1], 0, 0, 0xD1, 0};
    mdir[1] = (struct msg_dir){sv[1], sv[0], 0, 0, 0xD2, 0};
    if (socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv)) wl_fail("socketpair seqpacket: %s", strerror(errno));
    mdir[2] = (struct msg_dir){sv[0], sv[1], 0, 0, 0x5E1, 0};
    mdir[3] = (struct msg_dir){sv[1], sv[0], 0, 0, 0x5E2, 0};

    listener = unix_socket(SOCK_STREAM);
    path_addr(&listen_addr, "listen.sock");
    if (bind(listener, (struct sockaddr *)&listen_addr, sizeof listen_addr) || chmod(listen_addr.sun_path, 0640) || listen(listener, 5))
        wl_fail("path listener: %s", strerror(errno));
    seq_listener = unix_socket(SOCK_SEQPACKET);
    seq_addr = (struct sockaddr_un){.sun_family = AF_UNIX};
    int n = snprintf(seq_addr.sun_path + 1, sizeof seq_addr.sun_path - 1, "cryo-unix01-%d", getpid());
    seq_len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + n);
    if (bind(seq_listener, (struct sockaddr *)&seq_addr, seq_len) || listen(seq_listener, 2)) wl_fail("abstract listener: %s", strerror(errno));

    int c = unix_socket(SOCK_STREAM);
    if (connect(c, (struct sockaddr *)&listen_addr, sizeof listen_addr)) wl_fail("inner connect: %s", strerror(errno));
    int a = accept(listener, NULL, NULL);
    if (a < 0) wl_fail("inner accept: %s", strerror(errno));
    sdir[2] = (struct stream_dir){c, a, 0, 0, 0xC5};
    sdir[3] = (struct stream_dir){a, c, 0, 0, 0x5C};

    dgram_srv = unix_socket(SOCK_DGRAM);
    path_addr(&dgram_addr, "dgram.sock");
    if (bind(dgram_srv, (struct sockaddr *)&dgram_addr, sizeof dgram_addr)) wl_fail("bind dgram: %s", strerror(errno));
    dgram_cli = unix_socket(SOCK_DGRAM);
    if (connect(dgram_cli, (struct sockaddr *)&dgram_addr, sizeof dgram_addr)) wl_fail("connect dgram: %s", strerror(errno));

    for (int i = 0; i < 4; i++) refill_stream(&sdir[i]);
    for (int i = 0; i < 4; i++) while (mdir[i].sent < 8) send_msg(&mdir[i]);
    for (;;) {
        tick_unix();
        wl_tick();
        wl_sleep_ms(WL_TICK_MS);
    }
}
