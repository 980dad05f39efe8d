/*
 * orphans01: processes adopted by a group's init (run it with `cryo run`, where init is PID 1 of the
 * group's namespace and the root R is PID 2), made the ways real services make them:
 *   - D, a classic daemon: R forks A, A calls setsid and forks D, A exits. D is in session and group
 *     A, whose leader has exited; D forks D2, which writes numbered records into a pipe to D every
 *     10 ms, and D checks they follow each other;
 *   - E, a background job of a shell: R forks B, B forks E, B exits. E stays in R's session and group;
 *   - F, `setsid -f`: R forks C, C forks F, F calls setsid, C exits. F leads its own session;
 *   - P, in a process group of its own whose leader has exited: R forks H, H calls setpgid(0, 0) and
 *     forks P, H exits. P is in group H of R's session;
 *   - Q, in a session whose leader is a zombie: R forks L, L calls setsid and forks Q, L exits and R
 *     never reaps it.
 *   R reaps A, B, C and H, as a daemonizing parent does. Every 50 ms R asks each of D, E, F and P through
 *   a socketpair for its counter and ids: each answers with its counter (which must have grown by one)
 *   and its PID, parent (1: init), group and session, which must be what they were at the start and
 *   what its making says. Each orphan checks its own ids too. Any broken invariant prints FAIL.
 */
#include "wl.h"
#include <sys/socket.h>
#include <sys/wait.h>

enum { D, E, F, P, Q, ORPHANS };
static const char *names[ORPHANS] = {"D", "E", "F", "P", "Q"};

struct ids { int32_t pid, ppid, pgid, sid; };
struct answer { uint64_t count; struct ids ids; };

static struct ids own_ids(void) {
    struct ids i = {getpid(), getppid(), getpgid(0), getsid(0)};
    return i;
}

static void expect_same(const char *who, struct ids was, struct ids now) {
    if (memcmp(&was, &now, sizeof was)) {
        wl_fail("%s: ids changed: pid %d ppid %d pgid %d sid %d, were %d %d %d %d", who, now.pid, now.ppid,
                now.pgid, now.sid, was.pid, was.ppid, was.pgid, was.sid);
    }
}

/* D2: a child of the daemon, numbering its records to D. */
static void records(int out) {
    pid_t parent = getppid();
    for (uint64_t n = 1;; n++) {
        if (write(out, &n, sizeof n) != sizeof n) wl_fail("D2: write: %s", strerror(errno));
        if (getppid() != parent) wl_fail("D2: parent is %d, was %d", getppid(), parent);
        wl_sleep_ms(10);
    }
}

/* An orphan: waits to be adopted by init, then answers R forever. D also reads D2's records. */
__attribute__((noreturn)) static void orphan(int who, int sock) {
    const char *name = names[who];
    int in = -1;
    for (int fd = 3; fd < 64; fd++) if (fd != sock) close(fd); /* the other orphans' sockets are not ours */
    if (who == D) {
        int p[2];
        if (pipe2(p, O_NONBLOCK)) wl_fail("D: pipe: %s", strerror(errno));
        pid_t c = fork();
        if (c < 0) wl_fail("D: fork: %s", strerror(errno));
        if (c == 0) {
            close(p[0]);
            close(sock);
            records(p[1]);
        }
        close(p[1]);
        in = p[0];
    }
    for (int i = 0; getppid() != 1; i++) {
        if (i == WL_WAIT_POLLS) wl_fail("%s: not adopted by init (parent %d)", name, getppid());
        wl_sleep_ms(WL_POLL_MS);
    }
    struct ids ids = own_ids();
    uint64_t count = 0, last_record = 0;
    for (;;) {
        uint64_t ask;
        ssize_t n = read(sock, &ask, sizeof ask);
        if (n == 0) _exit(0); /* R is gone: so are we */
        if (n != sizeof ask) wl_fail("%s: read: %zd %s", name, n, strerror(errno));
        expect_same(name, ids, own_ids());
        if (ask != count) wl_fail("%s: R asks for %llu, my count is %llu", name, (unsigned long long)ask, (unsigned long long)count);
        for (uint64_t rec; in >= 0 && (n = read(in, &rec, sizeof rec)) > 0;) {
            if (n != sizeof rec) wl_fail("D: short record");
            if (rec != last_record + 1) wl_fail("D: record %llu after %llu", (unsigned long long)rec, (unsigned long long)last_record);
            last_record = rec;
        }
        if (in >= 0 && n == 0) wl_fail("D: D2 is gone");
        struct answer a = {++count, ids};
        if (write(sock, &a, sizeof a) != sizeof a) wl_fail("%s: write: %s", name, strerror(errno));
    }
}

/* Forks a middle process that sets itself up (setsid / setpgid) and forks orphan `who`, then exits. */
static pid_t make(int who, int socks[2], int middle_setsid, int middle_setpgid, int orphan_setsid, int reap) {
    pid_t mid = fork();
    if (mid < 0) wl_fail("fork: %s", strerror(errno));
    if (mid == 0) {
        if (middle_setsid && setsid() < 0) wl_fail("setsid: %s", strerror(errno));
        if (middle_setpgid && setpgid(0, 0)) wl_fail("setpgid: %s", strerror(errno));
        pid_t o = fork();
        if (o < 0) wl_fail("fork: %s", strerror(errno));
        if (o == 0) {
            if (orphan_setsid && setsid() < 0) wl_fail("%s: setsid: %s", names[who], strerror(errno));
            orphan(who, socks[1]);
        }
        _exit(0);
    }
    close(socks[1]);
    int st;
    if (!reap) {
        siginfo_t si;
        if (waitid(P_PID, mid, &si, WEXITED | WNOWAIT)) wl_fail("waitid %s's middle: %s", names[who], strerror(errno));
        return mid;
    }
    if (waitpid(mid, &st, 0) != mid || !WIFEXITED(st) || WEXITSTATUS(st)) wl_fail("middle process of %s failed", names[who]);
    return mid;
}

int main(void) {
    setvbuf(stdout, NULL, _IOLBF, 0);
    int socks[ORPHANS][2];
    for (int i = 0; i < ORPHANS; i++) {
        if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, socks[i])) wl_fail("socketpair: %s", strerror(errno));
    }
    pid_t middle[ORPHANS];
    struct ids me = own_ids();
    middle[D] = make(D, socks[D], 1, 0, 0, 1);
    middle[E] = make(E, socks[E], 0, 0, 0, 1);
    middle[F] = make(F, socks[F], 0, 0, 1, 1);
    middle[P] = make(P, socks[P], 0, 1, 0, 1);
    middle[Q] = make(Q, socks[Q], 1, 0, 0, 0);
    struct ids seen[ORPHANS] = {0};
    uint64_t count[ORPHANS] = {0};
    for (;;) {
        for (int i = 0; i < ORPHANS; i++) {
            if (write(socks[i][0], &count[i], sizeof count[i]) != sizeof count[i]) wl_fail("R: ask %s: %s", names[i], strerror(errno));
            struct answer a;
            ssize_t n = read(socks[i][0], &a, sizeof a);
            if (n != sizeof a) wl_fail("R: answer of %s: %zd %s", names[i], n, n < 0 ? strerror(errno) : "(gone)");
            if (a.count != count[i] + 1) wl_fail("R: %s counts %llu after %llu", names[i], (unsigned long long)a.count, (unsigned long long)count[i]);
            count[i] = a.count;
            if (seen[i].pid == 0) seen[i] = a.ids;
            expect_same(names[i], seen[i], a.ids);
            if (a.ids.ppid != 1) wl_fail("%s: parent %d, not init", names[i], a.ids.ppid);
        }
        struct ids d = seen[D], e = seen[E], f = seen[F], p = seen[P], q = seen[Q];
        if (q.sid != middle[Q] || q.pgid != middle[Q]) wl_fail("Q: session %d group %d, not L %d", q.sid, q.pgid, middle[Q]);
        siginfo_t si = {0};
        if (waitid(P_PID, middle[Q], &si, WEXITED | WNOHANG | WNOWAIT) || si.si_pid != middle[Q])
            wl_fail("L (%d) is no zombie of R any more", middle[Q]);
        if (d.sid != middle[D] || d.pgid != middle[D]) wl_fail("D: session %d group %d, not A %d", d.sid, d.pgid, middle[D]);
        if (e.sid != me.sid || e.pgid != me.pgid) wl_fail("E: session %d group %d, not R's %d %d", e.sid, e.pgid, me.sid, me.pgid);
        if (f.sid != f.pid || f.pgid != f.pid) wl_fail("F: session %d group %d, not its own", f.sid, f.pgid);
        if (p.sid != me.sid || p.pgid != middle[P]) wl_fail("P: session %d group %d, not %d %d", p.sid, p.pgid, me.sid, middle[P]);
        expect_same("R", me, own_ids());
        wl_tick();
        wl_sleep_ms(WL_TICK_MS);
    }
}
