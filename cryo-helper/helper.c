/*
 * cryo-helper: the only non-Java process Cryo starts. It holds no logic that Java can do.
 *
 *   cryo-helper spawn LOG [--cwd DIR] -- CMD [ARG...]
 *       Start CMD detached (double fork, new session, stdin </dev/null, stdout+stderr appended to LOG),
 *       print its PID on stdout and exit 0 once CMD has been exec'd (exit 127 and a message if not).
 *       The JVM never becomes CMD's parent, so the JDK's reaper cannot steal ptrace stops from Cryo.
 *
 *   cryo-helper stub [--pid PID] [--setsid] [--detach]
 *       Restore stub. Creates a child (with exactly PID via clone3 set_tid when asked), prints the
 *       child's PID on stdout, and the child stops itself (SIGSTOP) and then execs "cryo-helper hold".
 *       The restorer PTRACE_SEIZEs the stopped child and holds it at the exec event, before any of
 *       the stub's own code runs, then reshapes it into the checkpointed process.
 *       Without --detach the helper stays the child's parent, reaps it and exits with its status
 *       (128+signal if killed), so `cryo restore` can pass the exit code on.
 *
 *   cryo-helper stub [--newns] [--detach] --tree PID:PARENT:FLAGS[:STATUS]...
 *       A whole tree of stubs: the root (the first entry) as above; every stub first calls setsid (FLAGS
 *       s) or setpgid(0, 0) (g), then creates its own children (entries naming it as PARENT) with
 *       their PIDs, parents before children, then stops itself as above. A zombie (z) exits at once
 *       with the waitpid STATUS (an exit code or a signal) and stays unreaped: no stub waits for one.
 *       With --newns, entries whose PARENT is 1 are created by the namespace's init (orphans it had
 *       adopted); a transient entry (x) exits once it has created its children, so that init adopts
 *       them in its session or group (the double fork of a daemon); its parent reaps it at once.
 *
 *   cryo-helper stub --newns --pid PID [--setsid] [--detach]
 *       The same in a new PID namespace, for when PID is taken in ours: the helper unshares a PID
 *       namespace and forks its init (PID 1 there; with a mount namespace of its own and a fresh /proc, so
 *       that /proc/self agrees with getpid()), which creates the stub with PID inside it, reaps
 *       every orphan of the namespace, and exits with the stub's status when it exits (taking the
 *       namespace with it). Prints the stub's PID as seen from our namespace.
 *
 *   cryo-helper run --pidfile FILE [--cgroup PROCS] [--newipc] [--detach] -- CMD [ARG...]
 *       An application group (cryo run): CMD in a new PID namespace whose init (as above) joins the
 *       cgroup whose cgroup.procs is PROCS, forwards signals to CMD, reaps orphans and exits with CMD's
 *       status. Writes "INIT ROOT" (their PIDs as seen from here) to FILE. Without --detach
 *       it waits and exits with CMD's status; with --detach it starts a new session and returns.
 *       stub --newns also takes --cgroup PROCS, for a group being restored. With --newipc (run, stub
 *       --newns) init also unshares an IPC namespace, so that the group's SysV objects are its own
 *       (and can be re-created with their ids by a restore).
 *
 *   cryo-helper hold
 *       Never meant to run: the exec target of the stub.
 *
 *   cryo-helper keep HOLDER_PID FD TARGET_PID
 *       Keeper of a dirty tracker: takes descriptor FD of process HOLDER_PID (a userfaultfd cryo holds)
 *       with pidfd_getfd, detaches (double fork, new session, stdio on /dev/null), prints "PID FD" (its
 *       own PID and the descriptor's number in it, for the next checkpoint to take it back) and then
 *       only waits: it exits when TARGET_PID exits (its pidfd becomes readable) or on SIGTERM. While it
 *       lives, the kernel goes on recording which pages the target writes.
 *
 *   cryo-helper lock NAME SECONDS HOLDER_PID FD...
 *       Holds TCP connections across the gap between a checkpoint that kills their processes and the
 *       restore: takes descriptors FD... of process HOLDER_PID (cryo's, sockets in repair mode with a
 *       filter that drops what arrives) with pidfd_getfd, detaches (as keep), listens on the abstract
 *       unix socket "cryo-lock-NAME", prints "PID COUNT" and waits. While it holds them no reset answers
 *       the peers: what they send is dropped, and they send it again. A connection on its socket from
 *       its own uid (the restore) makes it close them all (in repair mode: nothing is sent), answer one
 *       byte and exit; so does the end of SECONDS, without the byte.
 *
 *   cryo-helper call SOCKET ARG...
 *       Thin client of `cryo daemon`: connects to SOCKET, sends ARGs, the working directory and the CRYO_*
 *       (and XDG_DATA_HOME) environment with its descriptors 0, 1, 2 (SCM_RIGHTS), and exits with the code
 *       the daemon answers. Exits 75 without a word when no daemon answers or it declines the request
 *       (the launcher then runs the JVM); prints the daemon's one line and exits 1 when it refuses us.
 *       Request: u32 length, then NUL-terminated "cryo-call-1", cwd, argc, args, env. Answer: 'x' and an
 *       int32 exit code, 'd' (declined), or 'r' and a line (refused).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static void die(const char *what) {
    fprintf(stderr, "cryo-helper: %s: %s\n", what, strerror(errno));
    exit(126);
}

/*
 * Double fork with a new session in between. Returns 0 in the grandchild (orphaned: reparented to init or a
 * subreaper, never a child of its caller), which keeps report[1]; returns in the caller once the
 * intermediate child has exited, which keeps report[0].
 */
static pid_t detached_fork(int report[2]) {
    pid_t child = fork();
    if (child < 0) die("fork");
    if (child > 0) {
        close(report[1]);
        int st;
        waitpid(child, &st, 0);
        return child;
    }
    close(report[0]);
    if (setsid() < 0) _exit(126);
    pid_t gc = fork();
    if (gc < 0) _exit(126);
    if (gc > 0) _exit(0);
    return 0;
}

static int spawn(int argc, char **argv) {
    if (argc < 4) { fprintf(stderr, "cryo-helper: usage: spawn LOG [--cwd DIR] -- CMD [ARG...]\n"); return 2; }
    const char *log = argv[2], *cwd = NULL;
    int i = 3;
    if (!strcmp(argv[i], "--cwd") && i + 1 < argc) { cwd = argv[i + 1]; i += 2; }
    if (i >= argc || strcmp(argv[i], "--")) { fprintf(stderr, "cryo-helper: spawn: expected --\n"); return 2; }
    char **cmd = argv + i + 1;
    if (!*cmd) { fprintf(stderr, "cryo-helper: spawn: no command\n"); return 2; }

    int report[2]; /* grandchild -> us: its pid, then errno if exec fails (closed on exec) */
    if (pipe2(report, O_CLOEXEC)) die("pipe");
    if (detached_fork(report) == 0) {
        pid_t me = getpid();
        if (write(report[1], &me, sizeof me) != sizeof me) _exit(126);
        int err = 0;
        int in = open("/dev/null", O_RDONLY);
        int out = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
        if (in < 0 || out < 0) err = errno;
        if (!err && cwd && chdir(cwd)) err = errno;
        if (!err) {
            dup2(in, 0); dup2(out, 1); dup2(out, 2);
            if (in > 2) close(in);
            sigset_t none; sigemptyset(&none); sigprocmask(SIG_SETMASK, &none, NULL);
            /* leak none of our caller's descriptors into CMD (the report pipe stays usable until exec) */
            syscall(SYS_close_range, 3, ~0U, 4 /* CLOSE_RANGE_CLOEXEC */);
            execvp(cmd[0], cmd);
            err = errno;
        }
        if (write(report[1], &err, sizeof err) != sizeof err) _exit(126);
        _exit(127);
    }
    pid_t gc = 0; int err = 0;
    if (read(report[0], &gc, sizeof gc) != sizeof gc) { fprintf(stderr, "cryo-helper: spawn: could not start %s\n", cmd[0]); return 126; }
    if (read(report[0], &err, sizeof err) == sizeof err) {
        fprintf(stderr, "cryo-helper: spawn: %s: %s\n", cmd[0], strerror(err));
        return 127;
    }
    printf("%d\n", gc);
    return 0;
}

static pid_t clone_with_pid(pid_t want) {
    struct clone_args ca;
    memset(&ca, 0, sizeof ca);
    ca.exit_signal = SIGCHLD;
    ca.set_tid = (uint64_t)(uintptr_t)&want;
    ca.set_tid_size = 1;
    return (pid_t)syscall(SYS_clone3, &ca, sizeof ca);
}

/* One process of a tree to build: its PID, its parent's PID (0 for the root), what it does first. */
struct node { pid_t pid, parent; int setsid, pgrp_leader, zombie, transient, status; };
static struct node *nodes;
static int nnodes;

/* Parses PID:PARENT:FLAGS[:STATUS] (FLAGS: any of s = setsid, g = own process group, z = zombie that
 * exits with the waitpid STATUS, x = transient: exits once it has created its children, which the
 * namespace's init then adopts, or - for none). */
static int parse_node(const char *spec, struct node *n) {
    char flags[8] = "";
    memset(n, 0, sizeof *n);
    int k = sscanf(spec, "%d:%d:%7[-sgzx]:%d", &n->pid, &n->parent, flags, &n->status);
    if (k < 3 || n->pid <= 0) return -1;
    n->setsid = strchr(flags, 's') != NULL;
    n->pgrp_leader = strchr(flags, 'g') != NULL;
    n->zombie = strchr(flags, 'z') != NULL;
    n->transient = strchr(flags, 'x') != NULL;
    return 0;
}

/* The status a zombie is to leave for its parent: the same exit code, or death by the same signal. */
static void die_as(int status) {
    if (WIFSIGNALED(status)) {
        struct rlimit none = {0, 0};
        setrlimit(RLIMIT_CORE, &none);
        signal(WTERMSIG(status), SIG_DFL);
        sigset_t all; sigfillset(&all); sigprocmask(SIG_UNBLOCK, &all, NULL);
        raise(WTERMSIG(status));
    }
    _exit(WEXITSTATUS(status));
}

/* Becomes stub i: joins its session or group, creates its own children (each the same way, with
 * their recorded PIDs, parents first), then stops itself and execs "hold"; a zombie exits instead. */
__attribute__((noreturn)) static void become_stub(int i) {
    struct node *n = &nodes[i];
    if (n->setsid) setsid();
    else if (n->pgrp_leader) setpgid(0, 0);
    for (int j = 0; j < nnodes; j++) {
        if (j == i || nodes[j].parent != n->pid) continue;
        pid_t c = clone_with_pid(nodes[j].pid);
        if (c == 0) become_stub(j);
        if (c < 0) {
            fprintf(stderr, "cryo-helper: stub: pid %d: %s\n", nodes[j].pid, strerror(errno));
            _exit(126);
        }
        if (nodes[j].transient) waitpid(c, NULL, 0); /* it exits at once: no child of ours is left over */
    }
    if (n->zombie) die_as(n->status);
    if (n->transient) _exit(0); /* held a session or group id for its children: they are init's now */
    raise(SIGSTOP);
    execl("/proc/self/exe", "cryo-helper", "hold", (char *)NULL);
    _exit(126);
}

static int exit_status(int st) {
    if (WIFEXITED(st)) return WEXITSTATUS(st);
    if (WIFSIGNALED(st)) return 128 + WTERMSIG(st);
    return 1;
}

/* The outer PID of init's only child, from /proc/INIT/task/INIT/children. */
static pid_t only_child(pid_t init) {
    char path[64], buf[64];
    snprintf(path, sizeof path, "/proc/%d/task/%d/children", init, init);
    int fd = open(path, O_RDONLY);
    if (fd < 0) return -1;
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0) return -1;
    buf[n] = 0;
    return atoi(buf);
}

/* Init's only business besides reaping: signals sent to it (cryo kill, a terminal's ^C) go to the root. */
static volatile pid_t forward_to;
static void forward(int sig) { if (forward_to > 0) kill(forward_to, sig); }

/* PID 1 of a group's namespace: forwards signals to the root, reaps every orphan, and exits with the
 * root's status when it exits (the kernel then ends every other process of the namespace). */
__attribute__((noreturn)) static void init_loop(pid_t root) {
    forward_to = root;
    static const int sigs[] = {SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH, SIGCONT};
    for (size_t i = 0; i < sizeof sigs / sizeof *sigs; i++) signal(sigs[i], forward);
    for (;;) {
        int st;
        pid_t w = wait(&st);
        if (w == root) _exit(exit_status(st));
        if (w < 0 && errno == ECHILD) _exit(1);
    }
}

/* Puts us (and so everything we start) into a cgroup: FILE is its cgroup.procs. */
static int join_cgroup(const char *procs) {
    if (!procs) return 0;
    int fd = open(procs, O_WRONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    char buf[32];
    int n = snprintf(buf, sizeof buf, "%d\n", getpid());
    int ok = write(fd, buf, n) == n;
    close(fd);
    return ok ? 0 : -1;
}

/*
 * A new PID namespace: its init (PID 1, with a mount namespace of its own and a fresh /proc, so that
 * /proc/self agrees with getpid()) starts either CMD (cmd != NULL) or the stub tree with root PID want.
 * Reports "INIT ROOT" (PIDs as seen from here) to pidfile, or ROOT alone on stdout.
 */
static int in_new_namespace(pid_t want, char **cmd, int detach, const char *pidfile, const char *cgroup, int newipc) {
    int ready[2], go[2];
    /* go: CMD waits until its PID has been reported, or a CMD that exits at once would be reaped first */
    if (pipe2(ready, O_CLOEXEC) || pipe2(go, O_CLOEXEC)) die("pipe");
    if (unshare(CLONE_NEWPID)) {
        fprintf(stderr, "cryo-helper: new PID namespace: %s\n", strerror(errno));
        return 126;
    }
    pid_t init = fork();
    if (init < 0) die("fork");
    if (init == 0) {
        close(ready[0]);
        int err = 0;
        /* init joins the cgroup, not the helper: in the foreground the helper stays outside the group */
        if (join_cgroup(cgroup) || unshare(CLONE_NEWNS | (newipc ? CLONE_NEWIPC : 0)) || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL)
                || mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL)) {
            err = errno;
            if (write(ready[1], &err, sizeof err) != sizeof err) _exit(126);
            _exit(126);
        }
        pid_t child = cmd ? fork() : clone_with_pid(want);
        if (child == 0 && !cmd) become_stub(0);
        /* a tree's orphans (and the transient stubs that give them a session or group whose leader had
         * exited): init's own children, as they were (PARENT 1) */
        for (int j = 1; !cmd && child > 0 && j < nnodes; j++) {
            if (nodes[j].parent != 1) continue;
            pid_t c = clone_with_pid(nodes[j].pid);
            if (c == 0) become_stub(j);
            if (c < 0) child = -1;
        }
        if (child == 0) {
            close(ready[1]);
            close(go[1]);
            char c;
            if (read(go[0], &c, 1) != 1) _exit(126); /* the helper died before reporting us */
            close(go[0]);
            execvp(cmd[0], cmd);
            fprintf(stderr, "cryo-helper: run: %s: %s\n", cmd[0], strerror(errno));
            _exit(127);
        }
        err = child < 0 ? errno : 0;
        if (write(ready[1], &err, sizeof err) != sizeof err) _exit(126);
        close(ready[1]);
        close(go[0]);
        close(go[1]);
        if (child < 0) _exit(126);
        init_loop(child);
    }
    close(ready[1]);
    close(go[0]);
    int err = -1;
    if (read(ready[0], &err, sizeof err) != sizeof err || err) {
        fprintf(stderr, "cryo-helper: pid %d in a new namespace: %s\n", want, err > 0 ? strerror(err) : "init failed");
        return 126;
    }
    pid_t outer = -1;
    for (int i = 0; i < 1000 && (outer = only_child(init)) <= 0; i++) usleep(1000);
    if (outer <= 0) { fprintf(stderr, "cryo-helper: cannot find the root's pid\n"); return 126; }
    if (pidfile) {
        char tmp[4096];
        snprintf(tmp, sizeof tmp, "%s.tmp", pidfile);
        FILE *f = fopen(tmp, "w");
        if (!f || fprintf(f, "%d %d\n", init, outer) < 0 || fclose(f) || rename(tmp, pidfile)) die("pidfile");
    } else {
        printf("%d\n", outer);
        fflush(stdout);
    }
    if (cmd && write(go[1], "g", 1) != 1) die("start");
    close(go[1]);
    if (detach) return 0;
    /* stay in front: ^C and friends reach init, which hands them to the root */
    signal(SIGINT, SIG_IGN);
    signal(SIGQUIT, SIG_IGN);
    int st;
    while (waitpid(init, &st, 0) < 0) if (errno != EINTR) die("waitpid");
    return exit_status(st);
}

/* cryo-helper run --pidfile FILE [--cgroup PROCS] [--detach] -- CMD [ARG...] */
static int run(int argc, char **argv) {
    const char *pidfile = NULL, *cgroup = NULL;
    int detach = 0, newipc = 0, i = 2;
    for (; i < argc && strcmp(argv[i], "--"); i++) {
        if (!strcmp(argv[i], "--newipc")) { newipc = 1; continue; }
        if (!strcmp(argv[i], "--pidfile") && i + 1 < argc) pidfile = argv[++i];
        else if (!strcmp(argv[i], "--cgroup") && i + 1 < argc) cgroup = argv[++i];
        else if (!strcmp(argv[i], "--detach")) detach = 1;
        else { fprintf(stderr, "cryo-helper: run: unknown argument %s\n", argv[i]); return 2; }
    }
    if (i + 1 >= argc || !pidfile) { fprintf(stderr, "cryo-helper: usage: run --pidfile FILE [--cgroup PROCS] [--newipc] [--detach] -- CMD\n"); return 2; }
    if (detach && setsid() < 0) die("setsid");
    return in_new_namespace(0, argv + i + 1, detach, pidfile, cgroup, newipc);
}

static int stub(int argc, char **argv) {
    pid_t want = 0; int do_setsid = 0, detach = 0, newns = 0, newipc = 0;
    const char *cgroup = NULL;
    static struct node one;
    nodes = &one;
    nnodes = 1;
    for (int i = 2; i < argc; i++) {
        if (!strcmp(argv[i], "--pid") && i + 1 < argc) want = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--setsid")) do_setsid = 1;
        else if (!strcmp(argv[i], "--detach")) detach = 1;
        else if (!strcmp(argv[i], "--newns")) newns = 1;
        else if (!strcmp(argv[i], "--newipc")) newipc = 1;
        else if (!strcmp(argv[i], "--cgroup") && i + 1 < argc) cgroup = argv[++i];
        else if (!strcmp(argv[i], "--tree") && i + 1 < argc) {
            /* the rest: one PID:PARENT:FLAGS[:STATUS] per process, parents before children, root first */
            nnodes = argc - i - 1;
            nodes = calloc(nnodes, sizeof *nodes);
            for (int k = 0; k < nnodes; k++) {
                if (parse_node(argv[i + 1 + k], &nodes[k])) {
                    fprintf(stderr, "cryo-helper: stub: bad tree entry %s\n", argv[i + 1 + k]);
                    return 2;
                }
            }
            want = nodes[0].pid;
            break;
        }
        else { fprintf(stderr, "cryo-helper: stub: unknown argument %s\n", argv[i]); return 2; }
    }
    if (nodes == &one) { one.pid = want; one.setsid = do_setsid; }
    if (newns) {
        if (want <= 0) { fprintf(stderr, "cryo-helper: stub: --newns needs --pid\n"); return 2; }
        return in_new_namespace(want, NULL, detach, NULL, cgroup, newipc);
    }
    pid_t pid;
    if (want > 0) {
        pid = clone_with_pid(want);
        if (pid < 0) {
            /* EEXIST: the PID is taken (a zombie may still hold it); the restorer decides what next */
            fprintf(stderr, "cryo-helper: stub: pid %d: %s\n", want, strerror(errno));
            return errno == EEXIST ? 3 : 126;
        }
    } else {
        pid = fork();
        if (pid < 0) die("fork");
    }
    if (pid == 0) become_stub(0);
    printf("%d\n", pid);
    fflush(stdout);
    if (detach) return 0;
    /* Stay the parent: reap the restored process and pass its status on. */
    int st;
    while (waitpid(pid, &st, 0) < 0) if (errno != EINTR) die("waitpid");
    return exit_status(st);
}

static int keep(int argc, char **argv) {
    if (argc != 5) { fprintf(stderr, "cryo-helper: usage: keep HOLDER_PID FD TARGET_PID\n"); return 2; }
    pid_t holder = atoi(argv[2]), target = atoi(argv[4]);
    int fd = atoi(argv[3]);
    int report[2];
    if (pipe2(report, O_CLOEXEC)) die("pipe");
    if (detached_fork(report) == 0) { /* never a child of the target or of cryo */
        int got[2] = {getpid(), -1};
        int hp = (int)syscall(SYS_pidfd_open, holder, 0), tp = (int)syscall(SYS_pidfd_open, target, 0);
        if (hp >= 0) got[1] = (int)syscall(SYS_pidfd_getfd, hp, fd, 0);
        if (hp >= 0) close(hp);
        if (tp < 0 || got[1] < 0) got[1] = -errno;
        if (write(report[1], got, sizeof got) != sizeof got || got[1] < 0) _exit(126);
        close(report[1]);
        int null = open("/dev/null", O_RDWR);
        if (null >= 0) { dup2(null, 0); dup2(null, 1); dup2(null, 2); if (null > 2) close(null); }
        struct pollfd p = {.fd = tp, .events = POLLIN};
        while (poll(&p, 1, -1) < 0 && errno == EINTR) {}
        _exit(0);
    }
    int got[2] = {0, 0};
    if (read(report[0], got, sizeof got) != sizeof got || got[1] < 0) {
        fprintf(stderr, "cryo-helper: keep: %s\n", got[1] < 0 ? strerror(-got[1]) : "the keeper did not start");
        return 126;
    }
    printf("%d %d\n", got[0], got[1]);
    return 0;
}

static int lock(int argc, char **argv) {
    if (argc < 5) { fprintf(stderr, "cryo-helper: usage: lock NAME SECONDS HOLDER_PID FD...\n"); return 2; }
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    int namelen = snprintf(sa.sun_path + 1, sizeof sa.sun_path - 1, "cryo-lock-%s", argv[2]);
    if (namelen >= (int)sizeof sa.sun_path - 1) { fprintf(stderr, "cryo-helper: lock: name too long\n"); return 2; }
    socklen_t salen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + namelen);
    long seconds = atol(argv[3]);
    pid_t holder = atoi(argv[4]);
    int report[2];
    if (pipe2(report, O_CLOEXEC)) die("pipe");
    if (detached_fork(report) == 0) {
        int got[2] = {getpid(), 0};
        int hp = (int)syscall(SYS_pidfd_open, holder, 0);
        int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (hp < 0 || s < 0 || bind(s, (struct sockaddr *)&sa, salen) || listen(s, 4)) got[1] = -errno;
        for (int i = 5; i < argc && got[1] >= 0; i++) {
            if ((int)syscall(SYS_pidfd_getfd, hp, atoi(argv[i]), 0) < 0) got[1] = -errno;
            else got[1]++;
        }
        if (write(report[1], got, sizeof got) != sizeof got || got[1] < 0) _exit(126);
        close(report[1]);
        int null = open("/dev/null", O_RDWR);
        if (null >= 0) { dup2(null, 0); dup2(null, 1); dup2(null, 2); if (null > 2) close(null); }
        struct timespec now, end;
        clock_gettime(CLOCK_MONOTONIC, &end);
        end.tv_sec += seconds;
        for (;;) {
            clock_gettime(CLOCK_MONOTONIC, &now);
            long left = (end.tv_sec - now.tv_sec) * 1000 + (end.tv_nsec - now.tv_nsec) / 1000000;
            if (left <= 0) _exit(0); /* the held sockets close with us, silently */
            struct pollfd p = {.fd = s, .events = POLLIN};
            if (poll(&p, 1, (int)(left > 60000 ? 60000 : left)) <= 0) continue;
            int c = accept4(s, NULL, NULL, SOCK_CLOEXEC);
            struct ucred who;
            socklen_t wl = sizeof who;
            if (c < 0) continue;
            if (getsockopt(c, SOL_SOCKET, SO_PEERCRED, &who, &wl) || who.uid != getuid()) { close(c); continue; }
            for (int fd = 3; fd < 1024; fd++) if (fd != c) close(fd); /* every held socket, and our own */
            if (write(c, "r", 1) != 1) _exit(1);
            _exit(0);
        }
    }
    int got[2] = {0, 0};
    if (read(report[0], got, sizeof got) != sizeof got || got[1] < 0) {
        fprintf(stderr, "cryo-helper: lock: %s\n", got[1] < 0 ? strerror(-got[1]) : "the holder did not start");
        return 126;
    }
    printf("%d %d\n", got[0], got[1]);
    return 0;
}

#define NOT_SERVED 75
extern char **environ;

static void put(char **buf, size_t *len, size_t *cap, const char *s) {
    size_t n = strlen(s) + 1;
    while (*len + n > *cap) {
        *cap = *cap * 2 + n;
        if (!(*buf = realloc(*buf, *cap))) die("realloc");
    }
    memcpy(*buf + *len, s, n);
    *len += n;
}

static int call(int argc, char **argv) {
    if (argc < 3) { fprintf(stderr, "cryo-helper: usage: call SOCKET ARG...\n"); return 2; }
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    if (strlen(argv[2]) >= sizeof sa.sun_path) return NOT_SERVED;
    strcpy(sa.sun_path, argv[2]);
    int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (s < 0 || connect(s, (struct sockaddr *)&sa, sizeof sa) < 0) return NOT_SERVED;
    char *buf = NULL, cwd[4096], count[16];
    size_t len = 4, cap = 0;
    put(&buf, &len, &cap, "cryo-call-1");
    put(&buf, &len, &cap, getcwd(cwd, sizeof cwd) ? cwd : "");
    snprintf(count, sizeof count, "%d", argc - 3);
    put(&buf, &len, &cap, count);
    for (int i = 3; i < argc; i++) put(&buf, &len, &cap, argv[i]);
    for (char **e = environ; *e; e++)
        if (!strncmp(*e, "CRYO_", 5) || !strncmp(*e, "XDG_DATA_HOME=", 14)) put(&buf, &len, &cap, *e);
    uint32_t payload = len - 4;
    memcpy(buf, &payload, 4);
    int fds[3] = {0, 1, 2};
    char control[CMSG_SPACE(sizeof fds)] = {0};
    struct iovec iov = { buf, len };
    struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control, .msg_controllen = sizeof control };
    struct cmsghdr *c = CMSG_FIRSTHDR(&m);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof fds);
    memcpy(CMSG_DATA(c), fds, sizeof fds);
    ssize_t sent = sendmsg(s, &m, MSG_NOSIGNAL);
    if (sent < 0) return NOT_SERVED;
    for (size_t off = sent; off < len; off += sent)
        if ((sent = send(s, buf + off, len - off, MSG_NOSIGNAL)) <= 0) return NOT_SERVED;
    char answer[512];
    size_t got = 0;
    ssize_t n;
    while (got < sizeof answer - 1 && (n = read(s, answer + got, sizeof answer - 1 - got)) != 0) {
        if (n < 0) { if (errno == EINTR) continue; break; }
        got += n;
    }
    if (got >= 1 && answer[0] == 'd') return NOT_SERVED;
    if (got >= 5 && answer[0] == 'x') { int32_t code; memcpy(&code, answer + 1, 4); return code; }
    if (got >= 1 && answer[0] == 'r') { answer[got] = 0; fprintf(stderr, "%s\n", answer + 1); return 1; }
    fprintf(stderr, "cryo: daemon: the connection ended before the command did (the daemon stopped?)\n");
    return 1;
}

int main(int argc, char **argv) {
    if (argc >= 2 && !strcmp(argv[1], "call")) return call(argc, argv);
    if (argc >= 2 && !strcmp(argv[1], "spawn")) return spawn(argc, argv);
    if (argc >= 2 && !strcmp(argv[1], "stub")) return stub(argc, argv);
    if (argc >= 2 && !strcmp(argv[1], "run")) return run(argc, argv);
    if (argc >= 2 && !strcmp(argv[1], "hold")) for (;;) pause();
    if (argc >= 2 && !strcmp(argv[1], "keep")) return keep(argc, argv);
    if (argc >= 2 && !strcmp(argv[1], "lock")) return lock(argc, argv);
    fprintf(stderr, "cryo-helper: usage: cryo-helper spawn|stub|run|keep|call ... (internal to cryo)\n");
    return 2;
}
