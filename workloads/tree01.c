/*
 * tree01: a process tree whose shape and shared objects a restore must rebuild, checked all the time.
 *   root R (prints the ticks, leads a session of its own) forks, in this order:
 *   - Z, which exits at once with status 7 and stays a zombie: R checks it with waitid(WNOWAIT);
 *   - A, leader of a process group of its own (setpgid), which forks a grandchild G in A's group;
 *     A writes a numbered 8-byte record into pipe P every 10 ms (P's ends live in A and B only);
 *   - B, leader of a session of its own (setsid), which reads P every 50 ms (so bytes are in flight
 *     most of the time) and checks the numbers follow each other; B reports the last number to R
 *     through pipe H (a heartbeat), R checks it keeps growing;
 *   - a deleted file opened before the forks, written by R and A through one shared offset, which R
 *     checks counts both writers' records;
 *   - a MAP_SHARED|MAP_ANONYMOUS page set up before the forks: R, A and G each count up their own
 *     word in it, R checks every count keeps growing, and a pattern in it stays intact.
 *   Every process checks its own PID, parent, group and session each round; any broken invariant
 *   prints FAIL and exits, and R fails when a child has exited.
 */
#include "wl.h"
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>

#define SHARED_WORDS 512

struct shared {
    volatile uint64_t count[4]; /* R, A, G, B */
    volatile uint64_t records[2]; /* 8-byte records R and A wrote to the file they share one offset of */
    uint64_t pattern[SHARED_WORDS - 6];
};

static struct shared *sh;
static int shared_fd; /* opened before the forks: R and A share its description, so its offset */

static void write_record(int who) {
    uint64_t rec = who;
    if (write(shared_fd, &rec, sizeof rec) != sizeof rec) wl_fail("write shared file: %s", strerror(errno));
    __atomic_add_fetch(&sh->records[who], 1, __ATOMIC_RELEASE);
}
static pid_t root, a, b, z;

static void expect_ids(const char *who, pid_t pid, pid_t ppid, pid_t pgid, pid_t sid) {
    if (getpid() != pid) wl_fail("%s: getpid() is %d, expected %d", who, getpid(), pid);
    if (getppid() != ppid) wl_fail("%s: getppid() is %d, expected %d", who, getppid(), ppid);
    if (getpgid(0) != pgid) wl_fail("%s: getpgid() is %d, expected %d", who, getpgid(0), pgid);
    if (getsid(0) != sid) wl_fail("%s: getsid() is %d, expected %d", who, getsid(0), sid);
}

static void check_pattern(const char *who) {
    wl_expect_pattern(who, sh->pattern, sizeof sh->pattern, 0x7472656530315ull);
}

static void grandchild(pid_t sid) {
    pid_t me = getpid();
    for (;;) {
        expect_ids("G", me, a, a, sid);
        check_pattern("G: shared page");
        sh->count[2]++;
        wl_sleep_ms(20);
    }
}

static void writer(int p, pid_t sid) {
    pid_t me = getpid();
    uint64_t n = 0;
    for (int i = 0;; i++) {
        ssize_t w = write(p, &n, sizeof n);
        if (w == sizeof n) n++;
        else if (w >= 0 || (errno != EAGAIN && errno != EINTR)) wl_fail("A: write to pipe: %zd %s", w, strerror(errno));
        if (i % 5 == 0) {
            write_record(1);
            expect_ids("A", me, root, me, sid);
            check_pattern("A: shared page");
            sh->count[1]++;
        }
        wl_sleep_ms(10);
    }
}

static void reader(int p, int heartbeat) {
    pid_t me = getpid();
    uint64_t expect = 0;
    for (;;) {
        uint64_t buf[64];
        ssize_t r = read(p, buf, sizeof buf);
        if (r < 0 && errno != EAGAIN && errno != EINTR) wl_fail("B: read from pipe: %s", strerror(errno));
        if (r == 0) wl_fail("B: the pipe's write end was closed");
        if (r > 0) {
            if (r % 8) wl_fail("B: read %zd bytes, not whole records", r);
            for (ssize_t i = 0; i < r / 8; i++) {
                if (buf[i] != expect) wl_fail("B: record %llu, expected %llu", (unsigned long long)buf[i], (unsigned long long)expect);
                expect++;
            }
        }
        expect_ids("B", me, root, me, me);
        if (write(heartbeat, &expect, sizeof expect) < 0 && errno != EAGAIN) wl_fail("B: heartbeat: %s", strerror(errno));
        wl_sleep_ms(50);
    }
}

int main(void) {
    setvbuf(stdout, NULL, _IOLBF, 0);
    root = getpid();
    /* the tree leads its own session (as a daemon does): every session and group is inside it */
    if (setsid() < 0) wl_fail("R: setsid: %s", strerror(errno));
    pid_t sid = getsid(0), pgid = getpgid(0);
    sh = mmap(NULL, sizeof *sh, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (sh == MAP_FAILED) wl_fail("mmap shared: %s", strerror(errno));
    wl_fill(sh->pattern, SHARED_WORDS - 6, 0x7472656530315ull);
    char path[] = "/tmp/cryo-tree01-XXXXXX";
    shared_fd = mkstemp(path);
    if (shared_fd < 0) wl_fail("mkstemp: %s", strerror(errno));
    unlink(path); /* deleted while open: a ghost file, shared too */

    z = fork();
    if (z == 0) _exit(7);
    siginfo_t first = {0};
    while (waitid(P_PID, z, &first, WEXITED | WNOWAIT)) if (errno != EINTR) wl_fail("R: waitid: %s", strerror(errno));
    int p[2], h[2];
    if (pipe2(p, O_NONBLOCK) || pipe2(h, O_NONBLOCK)) wl_fail("pipe: %s", strerror(errno));
    a = fork();
    if (a == 0) {
        if (setpgid(0, 0)) wl_fail("A: setpgid: %s", strerror(errno));
        a = getpid();
        close(p[0]); close(h[0]); close(h[1]);
        if (fork() == 0) grandchild(sid);
        writer(p[1], sid);
    }
    setpgid(a, a); /* also from here: whichever runs first, A leads its group before anyone looks */
    b = fork();
    if (b == 0) {
        if (setsid() < 0) wl_fail("B: setsid: %s", strerror(errno));
        close(p[1]); close(h[0]);
        reader(p[0], h[1]);
    }
    close(p[0]); close(p[1]); close(h[1]);

    /* the children set up their group and session themselves: wait for that before checking it */
    for (int i = 0; getsid(b) != b || getpgid(a) != a; i++) {
        if (i > WL_WAIT_POLLS) wl_fail("R: children did not set up their group and session");
        wl_sleep_ms(WL_POLL_MS);
    }
    uint64_t beat = 0, last[3] = {0, 0, 0};
    int stale[3] = {0, 0, 0};
    for (;;) {
        expect_ids("R", root, getppid(), pgid, sid);
        check_pattern("R: shared page");
        siginfo_t si = {0};
        if (waitid(P_PID, z, &si, WEXITED | WNOHANG | WNOWAIT)) wl_fail("R: waitid zombie %d: %s", z, strerror(errno));
        if (si.si_pid != z || si.si_code != CLD_EXITED || si.si_status != 7)
            wl_fail("R: zombie %d: pid %d code %d status %d", z, si.si_pid, si.si_code, si.si_status);
        int st;
        if (waitpid(a, &st, WNOHANG) != 0) wl_fail("R: child A %d exited (status %#x)", a, st);
        if (waitpid(b, &st, WNOHANG) != 0) wl_fail("R: child B %d exited (status %#x)", b, st);
        if (getpgid(a) != a) wl_fail("R: A's group is %d", getpgid(a));
        if (getsid(b) != b) wl_fail("R: B's session is %d", getsid(b));
        uint64_t v;
        int got = 0;
        while (read(h[0], &v, sizeof v) == sizeof v) { got = 1; if (v < beat) wl_fail("R: heartbeat went back"); beat = v; }
        sh->count[0]++;
        write_record(0);
        /* one offset for both writers: it counts A's records too (A may have written one not counted yet) */
        uint64_t done = __atomic_load_n(&sh->records[0], __ATOMIC_ACQUIRE) + __atomic_load_n(&sh->records[1], __ATOMIC_ACQUIRE);
        off_t at = lseek(shared_fd, 0, SEEK_CUR);
        if (at < (off_t)(8 * done) || at > (off_t)(8 * (done + 1)))
            wl_fail("R: shared file offset %lld, but %llu records were written through it", (long long)at, (unsigned long long)done);
        uint64_t now[3] = {beat, sh->count[1], sh->count[2]};
        static const char *names[3] = {"B (heartbeat)", "A (shared count)", "G (shared count)"};
        for (int i = 0; i < 3; i++) {
            stale[i] = now[i] != last[i] ? 0 : stale[i] + 1;
            last[i] = now[i];
            if (stale[i] > 400) wl_fail("R: %s made no progress for 400 ticks (at %llu)", names[i], (unsigned long long)now[i]);
        }
        (void)got;
        wl_tick();
        wl_sleep_ms(WL_TICK_MS);
    }
}
