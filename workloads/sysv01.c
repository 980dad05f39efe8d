/*
 * sysv01: SysV IPC shared by a group of three processes (run it with `cryo run`, in its own IPC namespace).
 *   - segment A (key KEY, 64 KiB + 100 bytes, mode 0640, owner 4242:4343 set by IPC_SET): a counter that
 *     both children increment under semaphore 0 of set S, each also counting its own increments in its
 *     slot; under the lock the counter must equal the sum of the slots; its tail holds a pattern;
 *   - set S (key KEY+1, 2 semaphores): 0 is the lock, 1 is raised by the parent every tick and must read
 *     back as the parent counted;
 *   - queue Q (key KEY+2): the parent keeps up to 5 messages in flight (type seq%3+1, text "seq N" then a
 *     pattern of a length that varies), child 1 receives them and checks they come in order, whole;
 *   - segment B (private, 3 pages): attached by the parent, inherited by both children, then removed (IPC_RMID):
 *     it must stay marked removed, attached three times, with its pattern;
 *   - segment C (key KEY+3, 1 page): attached read-only (SHM_RDONLY) by child 2, whose mapping must stay r--s.
 *   Every tick the parent checks that the keys still lead to the same ids and that the children live.
 *
 * sysv01 host: one process with one private segment attached (removed at once, so nothing is left
 *   behind), for the refusal of SysV memory outside a group.
 */
#include "wl.h"
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/wait.h>

#define KEY 0x43525900
#define A_SIZE (64 * 1024 + 100)
#define TAIL 4096
#define B_SIZE (3 * 4096)
#define MAX_TEXT 256

struct shared { uint64_t counter, slot[3]; };
struct msg { long type; char text[MAX_TEXT]; };

static int shm_a, shm_b, shm_c, sem_s, msg_q;
static struct shared *a;
static uint64_t *b;
static pid_t children[2];
static uint64_t sem1_expected, sent, received;

static void sem_op(int num, int delta) {
    struct sembuf op = {(unsigned short)num, (short)delta, 0};
    while (semop(sem_s, &op, 1)) if (errno != EINTR) wl_fail("semop: %s", strerror(errno));
}

static size_t text_len(uint64_t seq) { return 16 + seq % 200; }

static void make_text(uint64_t seq, char *text) {
    memset(text, 0, MAX_TEXT);
    snprintf(text, 16, "seq %llu", (unsigned long long)seq);
    for (size_t i = 16; i < text_len(seq); i++) text[i] = (char)(wl_pattern(seq, i) | 1);
}

static void check_counter(const char *who) {
    uint64_t sum = a->slot[0] + a->slot[1] + a->slot[2];
    if (a->counter != sum) wl_fail("%s: counter %llu, slots sum to %llu", who, (unsigned long long)a->counter, (unsigned long long)sum);
}

static void worker(int i) {
    for (;;) {
        sem_op(0, -1);
        check_counter("worker");
        a->counter++;
        a->slot[i]++;
        sem_op(0, 1);
        if (i == 1) {
            struct msg m;
            ssize_t n = msgrcv(msg_q, &m, MAX_TEXT, 0, IPC_NOWAIT);
            if (n >= 0) {
                uint64_t seq = ++received;
                char want[MAX_TEXT];
                make_text(seq, want);
                if (m.type != (long)(seq % 3 + 1)) wl_fail("message %llu has type %ld", (unsigned long long)seq, m.type);
                if ((size_t)n != text_len(seq) || memcmp(m.text, want, (size_t)n)) wl_fail("message %llu: wrong text (%zd bytes, \"%.12s\")", (unsigned long long)seq, n, m.text);
            } else if (errno != ENOMSG && errno != EINTR) {
                wl_fail("msgrcv: %s", strerror(errno));
            }
            wl_expect_pattern("removed segment B (child)", b, B_SIZE, 0xB);
        } else {
            char maps[16384], *line = NULL, addr[32];
            static uint64_t *ro;
            if (!ro) {
                ro = shmat(shm_c, NULL, SHM_RDONLY);
                if (ro == (void *)-1) wl_fail("shmat C read-only: %s", strerror(errno));
            }
            wl_expect_pattern("segment C", ro, 4096, 0xC);
            wl_read_file("/proc/self/maps", maps, sizeof maps);
            snprintf(addr, sizeof addr, "%lx-", (unsigned long)ro);
            line = strstr(maps, addr);
            if (!line || strncmp(strchr(line, ' ') + 1, "r--s", 4)) wl_fail("segment C is not mapped r--s");
        }
        wl_sleep_ms(10);
    }
}

static void check_ids(void) {
    if (shmget(KEY, 0, 0) != shm_a) wl_fail("key %#x leads to segment %d, not %d", KEY, shmget(KEY, 0, 0), shm_a);
    if (semget(KEY + 1, 0, 0) != sem_s) wl_fail("key %#x leads to semaphores %d, not %d", KEY + 1, semget(KEY + 1, 0, 0), sem_s);
    if (msgget(KEY + 2, 0) != msg_q) wl_fail("key %#x leads to queue %d, not %d", KEY + 2, msgget(KEY + 2, 0), msg_q);
    if (shmget(KEY + 3, 0, 0) != shm_c) wl_fail("key %#x leads to segment %d, not %d", KEY + 3, shmget(KEY + 3, 0, 0), shm_c);
    struct shmid_ds ds;
    if (shmctl(shm_a, IPC_STAT, &ds)) wl_fail("shmctl A: %s", strerror(errno));
    if (ds.shm_perm.uid != 4242 || ds.shm_perm.gid != 4343 || (ds.shm_perm.mode & 0777) != 0640 || ds.shm_segsz != A_SIZE)
        wl_fail("segment A: owner %d:%d mode %o size %zu", ds.shm_perm.uid, ds.shm_perm.gid, ds.shm_perm.mode & 0777, ds.shm_segsz);
    if (ds.shm_nattch != 3) wl_fail("segment A attached %lu times, not 3", (unsigned long)ds.shm_nattch);
    if (shmctl(shm_b, IPC_STAT, &ds)) wl_fail("shmctl B: %s", strerror(errno));
    if (!(ds.shm_perm.mode & SHM_DEST) || ds.shm_nattch != 3) wl_fail("segment B: mode %o, attached %lu times", ds.shm_perm.mode, (unsigned long)ds.shm_nattch);
    struct semid_ds sds;
    union { int val; struct semid_ds *buf; } arg = {.buf = &sds};
    if (semctl(sem_s, 0, IPC_STAT, arg) || sds.sem_nsems != 2 || (sds.sem_perm.mode & 0777) != 0600) wl_fail("semaphores: wrong set");
    struct msqid_ds q;
    if (msgctl(msg_q, IPC_STAT, &q) || (q.msg_perm.mode & 0777) != 0620 || q.msg_perm.uid != 4242) wl_fail("queue: wrong mode or owner");
}

static void host_mode(void) {
    int id = shmget(IPC_PRIVATE, 4096, 0600);
    uint64_t *p = id < 0 ? (void *)-1 : shmat(id, NULL, 0);
    if (p == (void *)-1) wl_fail("shm: %s", strerror(errno));
    shmctl(id, IPC_RMID, NULL);
    wl_fill(p, 512, 0x40);
    for (;;) {
        wl_expect_pattern("segment", p, 4096, 0x40);
        wl_tick();
        wl_sleep_ms(WL_TICK_MS);
    }
}

int main(int argc, char **argv) {
    if (argc > 1 && !strcmp(argv[1], "host")) host_mode();
    shm_a = shmget(KEY, A_SIZE, IPC_CREAT | IPC_EXCL | 0600);
    shm_b = shmget(IPC_PRIVATE, B_SIZE, 0600);
    shm_c = shmget(KEY + 3, 4096, IPC_CREAT | IPC_EXCL | 0644);
    sem_s = semget(KEY + 1, 2, IPC_CREAT | IPC_EXCL | 0600);
    msg_q = msgget(KEY + 2, IPC_CREAT | IPC_EXCL | 0620);
    if (shm_a < 0 || shm_b < 0 || shm_c < 0 || sem_s < 0 || msg_q < 0) wl_fail("creating the objects: %s (run me with cryo run)", strerror(errno));
    a = shmat(shm_a, NULL, 0);
    b = shmat(shm_b, NULL, 0);
    uint64_t *c = shmat(shm_c, NULL, 0);
    if (a == (void *)-1 || b == (void *)-1 || c == (void *)-1) wl_fail("shmat: %s", strerror(errno));
    wl_fill((uint64_t *)((char *)a + TAIL), (A_SIZE - TAIL) / 8, 0xA);
    wl_fill(b, B_SIZE / 8, 0xB);
    wl_fill(c, 512, 0xC);
    shmdt(c);
    struct shmid_ds ds;
    shmctl(shm_a, IPC_STAT, &ds);
    ds.shm_perm.uid = 4242; ds.shm_perm.gid = 4343; ds.shm_perm.mode = 0640;
    if (shmctl(shm_a, IPC_SET, &ds)) wl_fail("IPC_SET A: %s", strerror(errno));
    struct msqid_ds q;
    msgctl(msg_q, IPC_STAT, &q);
    q.msg_perm.uid = 4242;
    if (msgctl(msg_q, IPC_SET, &q)) wl_fail("IPC_SET Q: %s", strerror(errno));
    unsigned short init[2] = {1, 7};
    union { int val; unsigned short *array; } arg = {.array = init};
    if (semctl(sem_s, 0, SETALL, arg)) wl_fail("SETALL: %s", strerror(errno));
    sem1_expected = 7;
    for (int i = 0; i < 2; i++) {
        children[i] = fork();
        if (children[i] < 0) wl_fail("fork: %s", strerror(errno));
        if (children[i] == 0) worker(i + 1);
    }
    if (shmctl(shm_b, IPC_RMID, NULL)) wl_fail("IPC_RMID B: %s", strerror(errno));
    for (;;) {
        for (int i = 0; i < 2; i++) {
            int st;
            if (waitpid(children[i], &st, WNOHANG) != 0) wl_fail("child %d is gone", children[i]);
        }
        sem_op(0, -1);
        check_counter("parent");
        int v = semctl(sem_s, 1, GETVAL);
        if (v != (int)sem1_expected) wl_fail("semaphore 1 is %d, expected %llu", v, (unsigned long long)sem1_expected);
        sem_op(1, sem1_expected < 30000 ? 1 : -30000 + 7);
        sem1_expected = sem1_expected < 30000 ? sem1_expected + 1 : 7;
        a->slot[0]++;
        a->counter++;
        sem_op(0, 1);
        struct msqid_ds st;
        if (msgctl(msg_q, IPC_STAT, &st)) wl_fail("msgctl: %s", strerror(errno));
        for (unsigned long n = st.msg_qnum; n < 5; n++) {
            struct msg m;
            uint64_t seq = ++sent;
            m.type = (long)(seq % 3 + 1);
            make_text(seq, m.text);
            while (msgsnd(msg_q, &m, text_len(seq), IPC_NOWAIT)) if (errno != EINTR) wl_fail("msgsnd: %s", strerror(errno));
        }
        wl_expect_pattern("segment A tail", (char *)a + TAIL, A_SIZE - TAIL, 0xA);
        wl_expect_pattern("removed segment B", b, B_SIZE, 0xB);
        check_ids();
        wl_tick();
        wl_sleep_ms(WL_TICK_MS);
    }
}
