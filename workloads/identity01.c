/*
 * identity01 DIR: what a process is, besides its memory, checked on every tick:
 * cwd (DIR), umask, rlimits (RLIMIT_NOFILE soft, RLIMIT_CORE, RLIMIT_STACK), nice value,
 * scheduling policy (SCHED_BATCH), personality (recorded at start: it cannot be changed for a
 * running image), the name set with PR_SET_NAME, session and process group (we make ourselves a
 * session leader with setsid), the dumpable flag, and, when run as root, real/effective gid and
 * supplementary groups changed to ids nobody uses and a saved uid different from the real one
 * (real and effective uid stay 0, so nothing else about the process changes).
 */
#include "wl.h"
#include <grp.h>
#include <sched.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>

#define NAME "cryo-ident01"
#define UMASK 027
#define GID 4242
static const gid_t groups[] = {4343, 4444};
#define SAVED_UID 4545

static char dirpath[4096];
static struct stat dir_stat;
static struct rlimit want_nofile, want_core, want_stack;
static int want_personality, as_root;

static void check_rlimit(const char *name, int res, const struct rlimit *want) {
    struct rlimit now;
    if (getrlimit(res, &now)) wl_fail("getrlimit %s: %s", name, strerror(errno));
    if (now.rlim_cur != want->rlim_cur || now.rlim_max != want->rlim_max)
        wl_fail("%s is %llu/%llu, expected %llu/%llu", name, (unsigned long long)now.rlim_cur, (unsigned long long)now.rlim_max,
                (unsigned long long)want->rlim_cur, (unsigned long long)want->rlim_max);
}

static void set_rlimit(int res, struct rlimit *want, rlim_t soft) {
    if (getrlimit(res, want)) wl_fail("getrlimit: %s", strerror(errno));
    want->rlim_cur = soft;
    if (want->rlim_max != RLIM_INFINITY && want->rlim_max < soft) want->rlim_cur = want->rlim_max;
    if (setrlimit(res, want)) wl_fail("setrlimit(%d): %s", res, strerror(errno));
}

static void check_identity(void) {
    struct stat here;
    char cwd[4096];
    if (!getcwd(cwd, sizeof cwd)) wl_fail("getcwd: %s", strerror(errno));
    if (strcmp(cwd, dirpath)) wl_fail("cwd is %s, expected %s", cwd, dirpath);
    if (stat(".", &here) || here.st_ino != dir_stat.st_ino || here.st_dev != dir_stat.st_dev) wl_fail("cwd is another directory named %s", cwd);

    mode_t m = umask(0);  /* single-threaded: reading it this way races with nobody */
    umask(m);
    if (m != UMASK) wl_fail("umask is %03o, expected %03o", m, UMASK);

    check_rlimit("RLIMIT_NOFILE", RLIMIT_NOFILE, &want_nofile);
    check_rlimit("RLIMIT_CORE", RLIMIT_CORE, &want_core);
    check_rlimit("RLIMIT_STACK", RLIMIT_STACK, &want_stack);

    errno = 0;
    int nice = getpriority(PRIO_PROCESS, 0);
    if (errno) wl_fail("getpriority: %s", strerror(errno));
    if (nice != 5) wl_fail("nice is %d, expected 5", nice);
    int policy = sched_getscheduler(0);
    if (policy != SCHED_BATCH) wl_fail("scheduling policy is %d, expected SCHED_BATCH (%d)", policy, SCHED_BATCH);

    int pers = personality(0xffffffff);
    if (pers != want_personality) wl_fail("personality is %#x, was %#x", pers, want_personality);

    char name[17] = {0};
    if (prctl(PR_GET_NAME, name) || strcmp(name, NAME)) wl_fail("process name is '%s', expected '%s'", name, NAME);
    if (getsid(0) != getpid() || getpgrp() != getpid()) wl_fail("session %d / process group %d, expected both %d", getsid(0), getpgrp(), getpid());
    if (prctl(PR_GET_DUMPABLE) != 1) wl_fail("dumpable flag is %d, expected 1", prctl(PR_GET_DUMPABLE));

    if (as_root) {
        uid_t ru, eu, su;
        gid_t rg, eg, sg;
        getresuid(&ru, &eu, &su);
        getresgid(&rg, &eg, &sg);
        if (ru != 0 || eu != 0 || su != SAVED_UID) wl_fail("uids %u/%u/%u, expected 0/0/%u", ru, eu, su, SAVED_UID);
        if (rg != GID || eg != GID || sg != 0) wl_fail("gids %u/%u/%u, expected %u/%u/0", rg, eg, sg, GID, GID);
        gid_t now[16];
        int n = getgroups(16, now);
        if (n != 2 || now[0] != groups[0] || now[1] != groups[1]) wl_fail("supplementary groups changed (%d of them)", n);
    }
}

int main(int argc, char **argv) {
    if (argc < 2) { fprintf(stderr, "usage: identity01 DIR\n"); return 2; }
    if (!realpath(argv[1], dirpath) || chdir(dirpath) || stat(dirpath, &dir_stat)) {
        fprintf(stderr, "identity01: %s: %s\n", argv[1], strerror(errno));
        return 2;
    }
    if (getsid(0) != getpid() && setsid() < 0) wl_fail("setsid: %s", strerror(errno));
    umask(UMASK);
    set_rlimit(RLIMIT_NOFILE, &want_nofile, 777);
    set_rlimit(RLIMIT_CORE, &want_core, 4096 * 1024);
    set_rlimit(RLIMIT_STACK, &want_stack, 6 << 20);
    if (setpriority(PRIO_PROCESS, 0, 5)) wl_fail("setpriority: %s", strerror(errno));
    struct sched_param sp = {.sched_priority = 0};
    if (sched_setscheduler(0, SCHED_BATCH, &sp)) wl_fail("sched_setscheduler: %s", strerror(errno));
    want_personality = personality(0xffffffff);
    if (prctl(PR_SET_NAME, NAME)) wl_fail("PR_SET_NAME: %s", strerror(errno));
    as_root = geteuid() == 0;
    if (as_root) {
        if (setgroups(2, groups)) wl_fail("setgroups: %s", strerror(errno));
        if (setresgid(GID, GID, 0)) wl_fail("setresgid: %s", strerror(errno));
        if (setresuid(0, 0, SAVED_UID)) wl_fail("setresuid: %s", strerror(errno));
        /* changing credentials clears the dumpable flag; real programs that want core dumps set it back */
        if (prctl(PR_SET_DUMPABLE, 1)) wl_fail("PR_SET_DUMPABLE: %s", strerror(errno));
    }
    for (;;) {
        check_identity();
        wl_tick();
        wl_sleep_ms(WL_TICK_MS);
    }
}
