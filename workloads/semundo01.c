/*
 * semundo01: SEM_UNDO adjustments (semadj) of every process of a group (run it with `cryo run`, in its own
 * IPC namespace). Four processes, two semaphore sets S1 (4 semaphores) and S2 (3), each process with its
 * own adjustments (table `plan`): small ones made the usual way (a decrement with SEM_UNDO gives +1), large
 * ones (+32767, -30000, -32768, +12345) made with SEM_UNDO operations compensated by plain ones, so that the
 * value stays in range. The parent and A and B are single-threaded; C has three threads, two of which made
 * some of its adjustments (the undo list is the process's, shared by its threads).
 *
 * Every tick the parent checks every value, and each process reads its own adjustments back (the same
 * way cryo does: a semop that must fail, with ERANGE exactly when an adjustment is beyond a bound, and so
 * changes nothing) and checks them against the table.
 *
 * On SIGUSR1 the parent ends A, B and C one after the other, and after each exit checks that the kernel
 * applied exactly that process's adjustments to the values (clamped to 0..32767, as the kernel does);
 * then it goes on alone, ticking. The children stop reading their adjustments first (a value that moves
 * under a probe would mislead it) and say so on the READY set.
 *
 * semundo01 noperm: a parent (root) with a set of mode 0600, and a child running as nobody with a second
 * thread (so an undo list), which may not alter the set: for the refusal of adjustments cryo cannot read.
 */
#include "wl.h"
#include <signal.h>
#include <sys/ipc.h>
#include <sys/sem.h>
#include <sys/wait.h>

#define KEY 0x43525a00
#define SEMVMX 32767
enum { S1, S2, READY, NSETS };
enum { PARENT, A, B, C, NPROCS };

union semun { int val; struct semid_ds *buf; unsigned short *array; };

static const int nsems[NSETS] = {4, 3, 2};
static const unsigned short initial[2][4] = {{100, 31000, 50, 10}, {20000, 300, 0}};

/* who, set, semaphore, adjustment, made with compensated operations, by which thread of C (0 = main) */
struct adj { int who, set, num, adj, compensated, thread; };
static const struct adj plan[] = {
    {PARENT, S1, 3, 2, 0, 0},
    {A, S1, 0, 1, 0, 0}, {A, S2, 1, -1, 0, 0},
    {B, S1, 0, 3, 0, 0}, {B, S1, 1, -30000, 1, 0}, {B, S2, 2, 32767, 1, 0}, {B, S2, 1, 200, 0, 0},
    {B, S1, 2, -32768, 1, 0},
    {C, S1, 2, 1, 0, 1}, {C, S1, 3, -1, 0, 2}, {C, S2, 0, 12345, 1, 0}, {C, S1, 1, 5, 0, 1},
};
#define NPLAN ((int)(sizeof plan / sizeof plan[0]))

static int ids[NSETS];
static int expected[2][4]; /* the values, as the parent expects them */
static pid_t children[NPROCS];
static volatile sig_atomic_t end_requested;

static int value(int set, int num) {
    int v = semctl(ids[set], num, GETVAL);
    if (v < 0) wl_fail("GETVAL %d/%d: %s", set, num, strerror(errno));
    return v;
}

static void op(int set, struct sembuf *ops, int n) {
    while (semop(ids[set], ops, n)) if (errno != EINTR) wl_fail("semop on set %d: %s", set, strerror(errno));
}

/* Moves semaphore num's adjustment by delta, leaving its value as it was: SEM_UNDO steps paired with plain
 * ones (the increment first unless the value would pass SEMVMX), each step small enough to stay in range. */
static int compensated(struct sembuf *ops, int num, int v, int delta) {
    int total = delta < 0 ? -delta : delta, cap = v > SEMVMX - v ? v : SEMVMX - v, n = 0;
    int steps = (total + cap - 1) / cap;
    for (int i = 0; i < steps; i++) {
        int k = total / steps + (i < total % steps ? 1 : 0);
        struct sembuf undo = {(unsigned short)num, (short)(delta > 0 ? -k : k), SEM_UNDO | IPC_NOWAIT};
        struct sembuf plain = {(unsigned short)num, (short)-undo.sem_op, IPC_NOWAIT};
        int incr_first = v + k <= SEMVMX;
        if ((undo.sem_op > 0) == incr_first) { ops[n++] = undo; ops[n++] = plain; }
        else { ops[n++] = plain; ops[n++] = undo; }
    }
    return n;
}

/* Makes this process's adjustments of the table, those of thread `thread` (C's). */
static void make_adjustments(int who, int thread) {
    for (int i = 0; i < NPLAN; i++) {
        const struct adj *p = &plan[i];
        if (p->who != who || p->thread != thread) continue;
        struct sembuf ops[8];
        int n;
        if (p->compensated) {
            n = compensated(ops, p->num, value(p->set, p->num), p->adj);
        } else {
            /* the usual way: an operation of -adj with SEM_UNDO (a lock taken gives +1) */
            ops[0] = (struct sembuf){(unsigned short)p->num, (short)-p->adj, SEM_UNDO};
            n = 1;
        }
        op(p->set, ops, n);
    }
}

static int planned(int who, int set, int num) {
    int sum = 0;
    for (int i = 0; i < NPLAN; i++) {
        if (plan[i].who == who && plan[i].set == set && plan[i].num == num) sum += plan[i].adj;
    }
    return sum;
}

/* True when this process's adjustment of set/num is >= t (t > 0) or <= t (t < 0); changes nothing. */
static int beyond(int set, int num, int t) {
    struct sembuf ops[8];
    int v = value(set, num);
    int n = t > 0 ? compensated(ops, num, v, SEMVMX + 1 - t) : compensated(ops, num, v, -(t + SEMVMX + 2));
    ops[n++] = (struct sembuf){(unsigned short)num, -32768, IPC_NOWAIT}; /* must block */
    if (semop(ids[set], ops, n) == 0) wl_fail("a probe of %d/%d succeeded", set, num);
    if (errno == ERANGE) return 1;
    if (errno == EAGAIN) return 0;
    wl_fail("probe of %d/%d: %s", set, num, strerror(errno));
}

/* This process's adjustment of set/num, by binary search. */
static int adjustment(int set, int num) {
    int sign = beyond(set, num, 1) ? 1 : beyond(set, num, -1) ? -1 : 0;
    if (!sign) return 0;
    int lo = 1, hi = sign > 0 ? SEMVMX : SEMVMX + 1; /* |semadj| in [lo, hi] */
    while (lo < hi) {
        int mid = lo + (hi - lo + 1) / 2;
        if (beyond(set, num, sign * mid)) lo = mid;
        else hi = mid - 1;
    }
    return sign * lo;
}

static void check_own(int who, const char *name) {
    for (int set = S1; set <= S2; set++) {
        for (int num = 0; num < nsems[set]; num++) {
            int got = adjustment(set, num), want = planned(who, set, num);
            if (got != want) wl_fail("%s (pid %d): adjustment of %d/%d is %d, not %d", name, getpid(), set, num, got, want);
        }
    }
}

static void check_values(const char *when) {
    for (int set = S1; set <= S2; set++) {
        for (int num = 0; num < nsems[set]; num++) {
            int v = value(set, num);
            if (v != expected[set][num]) wl_fail("%s: value of %d/%d is %d, not %d", when, set, num, v, expected[set][num]);
        }
    }
}

static int steady(void) { return value(READY, 0) == NPROCS; }

static void ready(void) {
    struct sembuf up = {0, 1, 0};
    op(READY, &up, 1);
}

static volatile int c_threads_done;

static void *c_thread(void *arg) {
    make_adjustments(C, (int)(intptr_t)arg);
    __atomic_add_fetch(&c_threads_done, 1, __ATOMIC_RELEASE);
    for (;;) wl_sleep_ms(WL_TICK_MS);
    return NULL;
}

/* A child: makes its adjustments, then reads them back until the parent starts ending processes. */
static void child(int who) {
    static const char *names[] = {"parent", "A", "B", "C"};
    if (who == C) {
        pthread_t t;
        for (intptr_t i = 1; i <= 2; i++) {
            if (pthread_create(&t, NULL, c_thread, (void *)i)) wl_fail("pthread_create");
        }
        make_adjustments(C, 0);
        for (int i = 0; __atomic_load_n(&c_threads_done, __ATOMIC_ACQUIRE) < 2; i++) {
            if (i == WL_WAIT_POLLS) wl_fail("C's threads made no adjustments");
            wl_sleep_ms(WL_POLL_MS);
        }
    } else {
        make_adjustments(who, 0);
    }
    ready();
    /* until the parent starts ending processes: then values move, and a probe would be misled */
    while (steady()) {
        check_own(who, names[who]);
        wl_sleep_ms(WL_TICK_MS);
    }
    struct sembuf stopped = {1, 1, 0};
    op(READY, &stopped, 1);
    for (;;) wl_sleep_ms(WL_TICK_MS);
}

static void on_usr1(int sig) {
    (void)sig;
    end_requested = 1;
}

/* Ends A, B and C in turn; after each exit, its adjustments must have been applied to the values. */
static void end_children(void) {
    union semun u = {.val = NPROCS + 1};
    if (semctl(ids[READY], 0, SETVAL, u)) wl_fail("SETVAL: %s", strerror(errno));
    for (int i = 0; value(READY, 1) < NPROCS - 1; i++) { /* each child says it stopped probing */
        if (i == WL_WAIT_POLLS) wl_fail("the children did not stop probing (%d did)", value(READY, 1));
        wl_sleep_ms(WL_POLL_MS);
    }
    for (int who = A; who <= C; who++) {
        if (kill(children[who], SIGKILL)) wl_fail("kill %d: %s", children[who], strerror(errno));
        int status;
        while (waitpid(children[who], &status, 0) < 0) if (errno != EINTR) wl_fail("waitpid: %s", strerror(errno));
        children[who] = 0;
        for (int set = S1; set <= S2; set++) {
            for (int num = 0; num < nsems[set]; num++) {
                int v = expected[set][num] + planned(who, set, num);
                expected[set][num] = v < 0 ? 0 : v > SEMVMX ? SEMVMX : v;
            }
        }
        check_values("after a child's exit");
    }
}

static void *idle(void *arg) {
    for (;;) wl_sleep_ms(WL_TICK_MS);
    return arg;
}

static void noperm_mode(void) {
    if (semget(IPC_PRIVATE, 1, 0600) < 0) wl_fail("semget: %s", strerror(errno));
    pid_t c = fork();
    if (c < 0) wl_fail("fork: %s", strerror(errno));
    if (c == 0) {
        pthread_t t;
        if (setgid(65534) || setuid(65534)) wl_fail("setuid: %s", strerror(errno));
        if (pthread_create(&t, NULL, idle, NULL)) wl_fail("pthread_create");
        idle(NULL);
    }
    for (;;) {
        if (waitpid(c, NULL, WNOHANG) != 0) wl_fail("the child ended");
        wl_tick();
        wl_sleep_ms(WL_TICK_MS);
    }
}

int main(int argc, char **argv) {
    if (argc > 1 && !strcmp(argv[1], "noperm")) noperm_mode();
    for (int set = 0; set < NSETS; set++) {
        ids[set] = semget(KEY + set, nsems[set], IPC_CREAT | IPC_EXCL | 0600);
        if (ids[set] < 0) wl_fail("semget: %s", strerror(errno));
    }
    for (int set = S1; set <= S2; set++) {
        unsigned short v[4];
        for (int num = 0; num < nsems[set]; num++) {
            v[num] = initial[set][num];
            expected[set][num] = initial[set][num] - planned(PARENT, set, num) - planned(A, set, num)
                    - planned(B, set, num) - planned(C, set, num);
        }
        /* only the usual (uncompensated) operations move the values: add the compensated ones back */
        for (int i = 0; i < NPLAN; i++) {
            if (plan[i].compensated && plan[i].set == set) expected[set][plan[i].num] += plan[i].adj;
        }
        union semun u = {.array = v};
        if (semctl(ids[set], 0, SETALL, u)) wl_fail("SETALL: %s", strerror(errno));
    }
    signal(SIGUSR1, on_usr1);
    for (int who = A; who <= C; who++) {
        children[who] = fork();
        if (children[who] < 0) wl_fail("fork: %s", strerror(errno));
        if (children[who] == 0) child(who);
    }
    make_adjustments(PARENT, 0);
    ready();
    for (int i = 0; !steady(); i++) {
        if (i == WL_WAIT_POLLS) wl_fail("the children made no adjustments (%d ready)", value(READY, 0));
        wl_sleep_ms(WL_POLL_MS);
    }
    for (;;) {
        if (end_requested && children[A]) end_children();
        check_values(children[A] ? "steady" : "alone");
        check_own(PARENT, "parent");
        for (int who = A; who <= C; who++) {
            if (children[who] && waitpid(children[who], NULL, WNOHANG) != 0) wl_fail("child %d ended", who);
        }
        wl_tick();
        wl_sleep_ms(WL_TICK_MS);
    }
}
