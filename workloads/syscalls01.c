/*
 * syscalls01: threads that spend their lives blocked in system calls, each woken by main on
 * every tick, the way real programs use these calls (EINTR and spurious wake-ups retried):
 *   - sleeper: nanosleep(60 s); main wakes it with pthread_kill(SIGUSR1) (a handler without
 *     SA_RESTART) after setting a request flag; an EINTR without a request is a spurious wake-up
 *     (a restore may cause one) and the sleep goes on with the time left;
 *   - reader: read() of an 8-byte sequence number from a pipe;
 *   - waiter: FUTEX_WAIT on a word main increments and FUTEX_WAKEs;
 *   - poller: poll() with no timeout on a pipe, then reads the sequence number.
 * Each thread checks what it got (the exact next number) and acknowledges; main prints a tick
 * only when all four have answered. A checkpoint finds all four inside their syscalls.
 */
#include "wl.h"
#include <linux/futex.h>
#include <poll.h>
#include <signal.h>

static pthread_t sleeper, reader, waiter, poller;
static volatile uint64_t wake_request, sleeper_acks, reader_acks, waiter_acks, poller_acks;
static int reader_pipe[2], poller_pipe[2];
static volatile uint32_t futex_word;

static void on_usr1(int sig) { (void)sig; }

static void *sleeper_main(void *arg) {
    (void)arg;
    uint64_t served = 0;
    for (;;) {
        struct timespec req = {60, 0}, rem;
        for (;;) {
            if (nanosleep(&req, &rem) == 0) break;             /* slept it all: fine */
            if (errno != EINTR) wl_fail("sleeper: nanosleep: %s", strerror(errno));
            if (__atomic_load_n(&wake_request, __ATOMIC_ACQUIRE) != served) break;
            req = rem;                                         /* spurious: sleep on */
        }
        uint64_t want = __atomic_load_n(&wake_request, __ATOMIC_ACQUIRE);
        if (want != served) {
            if (want != served + 1) wl_fail("sleeper: woken for request %llu after %llu", (unsigned long long)want, (unsigned long long)served);
            served = want;
            __atomic_store_n(&sleeper_acks, served, __ATOMIC_RELEASE);
        }
    }
    return NULL;
}

static void read_seq(int fd, const char *who, uint64_t *expect, volatile uint64_t *ack) {
    uint64_t v;
    char *p = (char *)&v;
    size_t got = 0;
    while (got < sizeof v) {
        ssize_t n = read(fd, p + got, sizeof v - got);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) wl_fail("%s: read: %s", who, n ? strerror(errno) : "end of file");
        got += (size_t)n;
    }
    if (v != *expect) wl_fail("%s: read %llu, expected %llu", who, (unsigned long long)v, (unsigned long long)*expect);
    (*expect)++;
    __atomic_store_n(ack, *expect, __ATOMIC_RELEASE);
}

static void *reader_main(void *arg) {
    (void)arg;
    uint64_t expect = 0;
    for (;;) read_seq(reader_pipe[0], "reader", &expect, &reader_acks);
    return NULL;
}

static void *waiter_main(void *arg) {
    (void)arg;
    uint32_t seen = 0;
    for (;;) {
        while (__atomic_load_n(&futex_word, __ATOMIC_ACQUIRE) == seen) {
            long r = syscall(SYS_futex, &futex_word, FUTEX_WAIT_PRIVATE, seen, NULL, NULL, 0);
            if (r < 0 && errno != EINTR && errno != EAGAIN) wl_fail("waiter: futex wait: %s", strerror(errno));
        }
        uint32_t now = __atomic_load_n(&futex_word, __ATOMIC_ACQUIRE);
        if (now != seen + 1) wl_fail("waiter: futex word went from %u to %u", seen, now);
        seen = now;
        __atomic_store_n(&waiter_acks, seen, __ATOMIC_RELEASE);
    }
    return NULL;
}

static void *poller_main(void *arg) {
    (void)arg;
    uint64_t expect = 0;
    for (;;) {
        struct pollfd pfd = {.fd = poller_pipe[0], .events = POLLIN};
        int r = poll(&pfd, 1, -1);
        if (r < 0 && errno == EINTR) continue;
        if (r != 1 || !(pfd.revents & POLLIN)) wl_fail("poller: poll returned %d revents %#x: %s", r, pfd.revents, r < 0 ? strerror(errno) : "");
        read_seq(poller_pipe[0], "poller", &expect, &poller_acks);
    }
    return NULL;
}

static void send_seq(int fd, uint64_t v, const char *what) {
    ssize_t n;
    while ((n = write(fd, &v, sizeof v)) < 0 && errno == EINTR) {}
    if (n != sizeof v) wl_fail("write to %s pipe: %s", what, strerror(errno));
}

/* A signal that lands just before the sleeper enters nanosleep is lost to it (the classic lost
 * wake-up), so, like real code, keep poking until it answers. */
static void wake_sleeper(uint64_t round) {
    for (int i = 0; i < WL_WAIT_POLLS; i++) {
        if (__atomic_load_n(&sleeper_acks, __ATOMIC_ACQUIRE) == round) return;
        if (i % 20 == 0) {
            int e = pthread_kill(sleeper, SIGUSR1);
            if (e) wl_fail("pthread_kill(sleeper): %s", strerror(e));
        }
        wl_sleep_ms(WL_POLL_MS);
    }
    wl_fail("sleeper (nanosleep) did not wake up for round %llu", (unsigned long long)round);
}

int main(void) {
    struct sigaction sa = {.sa_handler = on_usr1, .sa_flags = 0}; /* no SA_RESTART: wakes the sleeper */
    sigemptyset(&sa.sa_mask);
    if (sigaction(SIGUSR1, &sa, NULL)) wl_fail("sigaction: %s", strerror(errno));
    if (pipe(reader_pipe) || pipe(poller_pipe)) wl_fail("pipe: %s", strerror(errno));
    if (pthread_create(&sleeper, NULL, sleeper_main, NULL) || pthread_create(&reader, NULL, reader_main, NULL) ||
        pthread_create(&waiter, NULL, waiter_main, NULL) || pthread_create(&poller, NULL, poller_main, NULL))
        wl_fail("pthread_create");

    for (uint64_t round = 1;; round++) {
        __atomic_store_n(&wake_request, round, __ATOMIC_RELEASE);
        send_seq(reader_pipe[1], round - 1, "reader");
        __atomic_store_n(&futex_word, (uint32_t)round, __ATOMIC_RELEASE);
        if (syscall(SYS_futex, &futex_word, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0) < 0) wl_fail("futex wake: %s", strerror(errno));
        send_seq(poller_pipe[1], round - 1, "poller");

        wake_sleeper(round);
        wl_wait_change(&reader_acks, round - 1, "reader (read)");
        wl_wait_change(&waiter_acks, round - 1, "waiter (futex)");
        wl_wait_change(&poller_acks, round - 1, "poller (poll)");
        if (sleeper_acks != round || reader_acks != round || waiter_acks != round || poller_acks != round)
            wl_fail("round %llu answered with %llu %llu %llu %llu", (unsigned long long)round, (unsigned long long)sleeper_acks,
                    (unsigned long long)reader_acks, (unsigned long long)waiter_acks, (unsigned long long)poller_acks);
        wl_tick();
        wl_sleep_ms(WL_TICK_MS);
    }
}
