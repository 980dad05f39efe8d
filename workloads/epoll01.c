/*
 * epoll01: an epoll instance whose interest list a restore must rebuild, checked on every tick.
 *   - a pipe's read end (EPOLLIN, level-triggered, data 0x1111222233334444): one byte written per tick
 *     must come back as exactly one event with that data, and none after the byte is read;
 *   - an eventfd (EPOLLIN|EPOLLET, data = its fd): signalled per tick, reported once (edge-triggered);
 *   - an eventfd registered EPOLLONESHOT that already fired: it must stay silent though readable;
 *   - a dup of the pipe's write end, watched for EPOLLOUT under its own number (epoll keys by fd number);
 *     the edge-triggered eventfd is drained every tick, so that no edge is pending at a checkpoint;
 *   - a second epoll, nested in the first (EPOLLIN, data 0x5e5e), holding a timerfd firing every 10 ms;
 *   - the interest list seen in /proc/self/fdinfo must stay exactly what was registered.
 */
#include "wl.h"
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/timerfd.h>

#define PIPE_DATA 0x1111222233334444ULL
#define INNER_DATA 0x5e5eULL

static int ep, inner, pipe_r, pipe_w, pipe_w2, ev_et, ev_once, tfd;
static char expected_fdinfo[2048];

/* The "tfd:" lines of an fdinfo file, without pos/ino/sdev, in fd order (the kernel prints them in
 * the order of its tree, keyed by file address). */
static void interest_list(int fd, char *out, size_t cap) {
    char path[64], buf[4096], *lines[64];
    snprintf(path, sizeof path, "/proc/self/fdinfo/%d", fd);
    wl_read_file(path, buf, sizeof buf);
    int count = 0;
    for (char *line = strtok(buf, "\n"); line && count < 64; line = strtok(NULL, "\n"))
        if (!strncmp(line, "tfd:", 4)) lines[count++] = line;
    out[0] = 0;
    for (int want = 0; want < 1024; want++) {
        for (int i = 0; i < count; i++) {
            int t; unsigned events; unsigned long long data;
            if (sscanf(lines[i], "tfd: %d events: %x data: %llx", &t, &events, &data) != 3) wl_fail("cannot parse %s", lines[i]);
            if (t != want) continue;
            size_t n = strlen(out);
            snprintf(out + n, cap - n, "%d:%x:%llx ", t, events, data);
        }
    }
}

static int wait_events(struct epoll_event *evs, int max) {
    int n;
    do n = epoll_wait(ep, evs, max, 0); while (n < 0 && errno == EINTR);
    if (n < 0) wl_fail("epoll_wait: %s", strerror(errno));
    return n;
}

static void tick_epoll(void) {
    struct epoll_event evs[8];
    char now[2048];
    interest_list(ep, now, sizeof now);
    if (strcmp(now, expected_fdinfo)) wl_fail("interest list is [%s], expected [%s]", now, expected_fdinfo);

    /* only the writable pipe end and, maybe, the inner epoll are ready */
    int n = wait_events(evs, 8);
    for (int i = 0; i < n; i++) {
        if (evs[i].data.u64 == PIPE_DATA) wl_fail("pipe reported readable while empty");
        if (evs[i].data.u64 == (uint64_t)ev_et) wl_fail("edge-triggered eventfd reported again");
        if (evs[i].data.u64 == (uint64_t)ev_once) wl_fail("fired one-shot eventfd reported again");
    }

    char c = 'x';
    uint64_t one = 1;
    if (write(pipe_w, &c, 1) != 1 || write(ev_et, &one, 8) != 8) wl_fail("write: %s", strerror(errno));
    n = wait_events(evs, 8);
    int saw_pipe = 0, saw_et = 0, saw_out = 0;
    for (int i = 0; i < n; i++) {
        if (evs[i].data.u64 == PIPE_DATA && evs[i].events == EPOLLIN) saw_pipe++;
        else if (evs[i].data.u64 == (uint64_t)ev_et) saw_et++;
        else if (evs[i].data.u64 == (uint64_t)pipe_w2 && (evs[i].events & EPOLLOUT)) saw_out++;
        else if (evs[i].data.u64 == INNER_DATA) {
            struct epoll_event ie;
            if (epoll_wait(inner, &ie, 1, 0) != 1 || ie.data.fd != tfd) wl_fail("inner epoll: no timerfd event");
            uint64_t t;
            if (read(tfd, &t, 8) != 8) wl_fail("read timerfd");
        } else wl_fail("unexpected event data %#llx events %#x", (unsigned long long)evs[i].data.u64, evs[i].events);
    }
    if (saw_pipe != 1 || saw_et != 1 || saw_out != 1) wl_fail("events: pipe %d, edge eventfd %d, pipe writable %d (expected 1 each)", saw_pipe, saw_et, saw_out);
    if (read(pipe_r, &c, 1) != 1 || c != 'x') wl_fail("read pipe");
    if (read(ev_et, &one, 8) != 8) wl_fail("drain edge-triggered eventfd");
    if (wait_events(evs, 8) > 2) wl_fail("too many events after draining");

    /* the inner epoll has its timer, which keeps firing */
    struct epoll_event ie;
    int k;
    for (k = 0; k < 500; k++) { if (epoll_wait(inner, &ie, 1, 10) == 1) break; }
    if (k == 500 || ie.data.fd != tfd) wl_fail("the nested epoll's timerfd does not fire");
}

static void add(int epfd, int fd, uint32_t events, uint64_t data) {
    struct epoll_event e = {.events = events, .data.u64 = data};
    if (epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &e)) wl_fail("epoll_ctl add %d: %s", fd, strerror(errno));
}

int main(void) {
    int p[2];
    if (pipe2(p, O_NONBLOCK)) wl_fail("pipe");
    pipe_r = p[0]; pipe_w = p[1];
    pipe_w2 = dup(pipe_w);
    ev_et = eventfd(0, EFD_NONBLOCK);
    ev_once = eventfd(0, EFD_NONBLOCK);
    ep = epoll_create1(EPOLL_CLOEXEC);
    inner = epoll_create1(0);
    tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK);
    struct itimerspec its = {{0, 10000000}, {0, 10000000}};
    if (timerfd_settime(tfd, 0, &its, NULL)) wl_fail("timerfd_settime");
    add(ep, pipe_r, EPOLLIN, PIPE_DATA);
    add(ep, ev_et, EPOLLIN | EPOLLET, (uint64_t)ev_et);
    add(ep, ev_once, EPOLLIN | EPOLLONESHOT, (uint64_t)ev_once);
    add(ep, pipe_w2, EPOLLOUT, (uint64_t)pipe_w2);
    add(inner, tfd, EPOLLIN, (uint64_t)tfd);
    add(ep, inner, EPOLLIN, INNER_DATA);
    uint64_t one = 1;
    if (write(ev_once, &one, 8) != 8) wl_fail("write");
    struct epoll_event evs[8];
    int n = epoll_wait(ep, evs, 8, 1000), once = 0, out = 0;
    for (int i = 0; i < n; i++) { once += evs[i].data.u64 == (uint64_t)ev_once; out += evs[i].data.u64 == (uint64_t)pipe_w2; }
    if (once != 1 || out != 1) wl_fail("setup: one-shot %d, writable %d", once, out);
    interest_list(ep, expected_fdinfo, sizeof expected_fdinfo);

    for (;;) {
        tick_epoll();
        wl_tick();
        wl_sleep_ms(WL_TICK_MS);
    }
}
