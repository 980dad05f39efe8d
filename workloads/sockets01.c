/*
 * sockets01: TCP and UDP sockets, IPv4 and IPv6, whose ports and options a restore must keep, checked
 * on every tick.
 *   - TCP listener on 127.0.0.1 (port chosen by the kernel), SO_REUSEADDR, SO_KEEPALIVE, TCP_NODELAY,
 *     SO_RCVBUF 64 KiB, backlog 7: every tick a client connects, 64 bytes go each way, the client closes
 *     first (so no TIME_WAIT holds the listener's port) and the server reads the end of the stream;
 *   - TCP listener on [::1], IPV6_V6ONLY, SO_REUSEPORT, O_NONBLOCK, backlog 3: the same exchange;
 *   - UDP on 127.0.0.1 with SO_SNDBUF 32 KiB: a datagram sent to itself per tick comes back;
 *   - UDP on [::1] connected to itself: send/recv with no address;
 *   - a TCP socket never bound: still unbound, still a stream socket.
 * Ports, options, the backlog (from sock_diag) and fd flags are checked every tick.
 */
#include "wl.h"
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>

static int tcp4, tcp6, udp4, udp6, unbound;
static struct sockaddr_in tcp4_addr, udp4_addr;
static struct sockaddr_in6 tcp6_addr, udp6_addr;

static int getint(int fd, int level, int name) {
    int v = 0;
    socklen_t len = sizeof v;
    if (getsockopt(fd, level, name, &v, &len)) wl_fail("getsockopt(%d, %d): %s", level, name, strerror(errno));
    return v;
}

static void expect_opt(const char *what, int fd, int level, int name, int want) {
    int v = getint(fd, level, name);
    if (v != want) wl_fail("%s: option %d/%d is %d, expected %d", what, level, name, v, want);
}

static void expect_name(const char *what, int fd, const void *want, socklen_t len) {
    struct sockaddr_storage got;
    socklen_t n = sizeof got;
    if (getsockname(fd, (struct sockaddr *)&got, &n)) wl_fail("%s: getsockname: %s", what, strerror(errno));
    if (n != len || memcmp(&got, want, len)) wl_fail("%s: bound to another address or port", what);
}

/* The listen() backlog of a listener, from sock_diag (inet_diag_msg.idiag_wqueue of a listening socket). */
static int backlog_of(int fd, int family) {
    struct stat st;
    if (fstat(fd, &st)) wl_fail("fstat");
    int nl = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
    if (nl < 0) wl_fail("netlink: %s", strerror(errno));
    struct { struct nlmsghdr h; struct inet_diag_req_v2 r; } req = {
        .h = {.nlmsg_len = sizeof req, .nlmsg_type = SOCK_DIAG_BY_FAMILY, .nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP},
        .r = {.sdiag_family = (uint8_t)family, .sdiag_protocol = IPPROTO_TCP, .idiag_states = 1 << 10 /* LISTEN */}};
    if (send(nl, &req, sizeof req, 0) != sizeof req) wl_fail("sock_diag send: %s", strerror(errno));
    static char buf[32768];
    int found = -1;
    for (;;) {
        ssize_t n = recv(nl, buf, sizeof buf, 0);
        if (n < 0) wl_fail("sock_diag recv: %s", strerror(errno));
        for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, n); h = NLMSG_NEXT(h, n)) {
            if (h->nlmsg_type == NLMSG_DONE) { close(nl); if (found < 0) wl_fail("listener not in sock_diag"); return found; }
            if (h->nlmsg_type == NLMSG_ERROR) wl_fail("sock_diag error");
            struct inet_diag_msg *m = NLMSG_DATA(h);
            if (m->idiag_inode == st.st_ino) found = (int)m->idiag_wqueue;
        }
    }
}

static void exchange(const char *what, int listener, int family, const void *addr, socklen_t len) {
    int c = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (c < 0 || connect(c, addr, len)) wl_fail("%s: connect: %s", what, strerror(errno));
    int a = -1;
    for (int i = 0; i < WL_WAIT_POLLS && a < 0; i++) {
        a = accept4(listener, NULL, NULL, SOCK_CLOEXEC);
        if (a < 0 && errno != EAGAIN && errno != EINTR) wl_fail("%s: accept: %s", what, strerror(errno));
        if (a < 0) wl_sleep_ms(WL_POLL_MS);
    }
    if (a < 0) wl_fail("%s: no connection to accept", what);
    char out[64], in[64];
    for (int i = 0; i < 64; i++) out[i] = (char)(wl_tick_count + i);
    if (write(c, out, 64) != 64 || read(a, in, 64) != 64 || memcmp(in, out, 64)) wl_fail("%s: client -> server", what);
    if (write(a, out, 64) != 64 || read(c, in, 64) != 64 || memcmp(in, out, 64)) wl_fail("%s: server -> client", what);
    close(c);
    if (read(a, in, 1) != 0) wl_fail("%s: no end of stream after the client closed", what);
    close(a);
}

static void datagram(const char *what, int fd, const void *to, socklen_t len) {
    uint64_t v = wl_pattern(0x0D6, wl_tick_count), back = 0;
    ssize_t n = to ? sendto(fd, &v, 8, 0, to, len) : send(fd, &v, 8, 0);
    if (n != 8) wl_fail("%s: send: %s", what, strerror(errno));
    if (recv(fd, &back, 8, 0) != 8 || back != v) wl_fail("%s: the datagram did not come back", what);
}

static void tick_sockets(void) {
    expect_name("tcp4 listener", tcp4, &tcp4_addr, sizeof tcp4_addr);
    expect_opt("tcp4 listener", tcp4, SOL_SOCKET, SO_ACCEPTCONN, 1);
    expect_opt("tcp4 listener", tcp4, SOL_SOCKET, SO_REUSEADDR, 1);
    expect_opt("tcp4 listener", tcp4, SOL_SOCKET, SO_KEEPALIVE, 1);
    expect_opt("tcp4 listener", tcp4, IPPROTO_TCP, TCP_NODELAY, 1);
    expect_opt("tcp4 listener", tcp4, SOL_SOCKET, SO_RCVBUF, 2 * 65536);
    if (backlog_of(tcp4, AF_INET) != 7) wl_fail("tcp4 listener: backlog %d, expected 7", backlog_of(tcp4, AF_INET));
    if (fcntl(tcp4, F_GETFL) & O_NONBLOCK) wl_fail("tcp4 listener became non-blocking");
    exchange("tcp4", tcp4, AF_INET, &tcp4_addr, sizeof tcp4_addr);

    expect_name("tcp6 listener", tcp6, &tcp6_addr, sizeof tcp6_addr);
    expect_opt("tcp6 listener", tcp6, IPPROTO_IPV6, IPV6_V6ONLY, 1);
    expect_opt("tcp6 listener", tcp6, SOL_SOCKET, SO_REUSEPORT, 1);
    expect_opt("tcp6 listener", tcp6, SOL_SOCKET, SO_REUSEADDR, 0);
    if (backlog_of(tcp6, AF_INET6) != 3) wl_fail("tcp6 listener: backlog %d, expected 3", backlog_of(tcp6, AF_INET6));
    if (!(fcntl(tcp6, F_GETFL) & O_NONBLOCK)) wl_fail("tcp6 listener lost O_NONBLOCK");
    if (!(fcntl(tcp6, F_GETFD) & FD_CLOEXEC)) wl_fail("tcp6 listener lost FD_CLOEXEC");
    exchange("tcp6", tcp6, AF_INET6, &tcp6_addr, sizeof tcp6_addr);

    expect_name("udp4", udp4, &udp4_addr, sizeof udp4_addr);
    expect_opt("udp4", udp4, SOL_SOCKET, SO_SNDBUF, 2 * 32768);
    datagram("udp4", udp4, &udp4_addr, sizeof udp4_addr);
    expect_name("udp6", udp6, &udp6_addr, sizeof udp6_addr);
    datagram("udp6 (connected)", udp6, NULL, 0);

    struct sockaddr_in6 none;
    socklen_t n = sizeof none;
    if (getsockname(unbound, (struct sockaddr *)&none, &n) || none.sin6_port != 0) wl_fail("the unbound socket got bound");
    expect_opt("unbound", unbound, SOL_SOCKET, SO_TYPE, SOCK_STREAM);
}

static void set(int fd, int level, int name, int v) {
    if (setsockopt(fd, level, name, &v, sizeof v)) wl_fail("setsockopt(%d, %d): %s", level, name, strerror(errno));
}

static void bind_any_port(int fd, void *addr, socklen_t len) {
    if (bind(fd, addr, len)) wl_fail("bind: %s", strerror(errno));
    socklen_t n = len;
    if (getsockname(fd, addr, &n)) wl_fail("getsockname: %s", strerror(errno));
}

int main(void) {
    tcp4 = socket(AF_INET, SOCK_STREAM, 0);
    set(tcp4, SOL_SOCKET, SO_REUSEADDR, 1);
    set(tcp4, SOL_SOCKET, SO_KEEPALIVE, 1);
    set(tcp4, IPPROTO_TCP, TCP_NODELAY, 1);
    set(tcp4, SOL_SOCKET, SO_RCVBUF, 65536);
    tcp4_addr = (struct sockaddr_in){.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    bind_any_port(tcp4, &tcp4_addr, sizeof tcp4_addr);
    if (listen(tcp4, 7)) wl_fail("listen: %s", strerror(errno));

    tcp6 = socket(AF_INET6, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    set(tcp6, IPPROTO_IPV6, IPV6_V6ONLY, 1);
    set(tcp6, SOL_SOCKET, SO_REUSEPORT, 1);
    tcp6_addr = (struct sockaddr_in6){.sin6_family = AF_INET6, .sin6_addr = in6addr_loopback};
    bind_any_port(tcp6, &tcp6_addr, sizeof tcp6_addr);
    if (listen(tcp6, 3)) wl_fail("listen: %s", strerror(errno));

    udp4 = socket(AF_INET, SOCK_DGRAM, 0);
    set(udp4, SOL_SOCKET, SO_SNDBUF, 32768);
    udp4_addr = (struct sockaddr_in){.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    bind_any_port(udp4, &udp4_addr, sizeof udp4_addr);

    udp6 = socket(AF_INET6, SOCK_DGRAM, 0);
    udp6_addr = (struct sockaddr_in6){.sin6_family = AF_INET6, .sin6_addr = in6addr_loopback};
    bind_any_port(udp6, &udp6_addr, sizeof udp6_addr);
    if (connect(udp6, (struct sockaddr *)&udp6_addr, sizeof udp6_addr)) wl_fail("connect udp6: %s", strerror(errno));

    unbound = socket(AF_INET6, SOCK_STREAM, 0);
    if (tcp4 < 0 || tcp6 < 0 || udp4 < 0 || udp6 < 0 || unbound < 0) wl_fail("socket: %s", strerror(errno));

    for (;;) {
        tick_sockets();
        wl_tick();
        wl_sleep_ms(WL_TICK_MS);
    }
}
