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
 *   cryo-helper hold
 *       Never meant to run: the exec target of the stub.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <signal.h>
#include <stdint.h>
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
    pid_t child = fork();
    if (child < 0) die("fork");
    if (child == 0) {
        close(report[0]);
        if (setsid() < 0) _exit(126);
        pid_t gc = fork();
        if (gc < 0) _exit(126);
        if (gc > 0) _exit(0); /* the grandchild is orphaned: reparented to init or a subreaper */
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
    close(report[1]);
    int st;
    waitpid(child, &st, 0);
    pid_t gc = 0; int err = 0;
    if (read(report[0], &gc, sizeof gc) != sizeof gc) { fprintf(stderr, "cryo-helper: spawn: could not start %s\n", cmd[0]); return 126; }
    if (read(report[0], &err, sizeof err) == sizeof err) {
        fprintf(stderr, "cryo-helper: spawn: %s: %s\n", cmd[0], strerror(err));
        return 127;
    }
    printf("%d\n", gc);
    return 0;
}

static int stub(int argc, char **argv) {
    pid_t want = 0; int do_setsid = 0, detach = 0;
    for (int i = 2; i < argc; i++) {
        if (!strcmp(argv[i], "--pid") && i + 1 < argc) want = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--setsid")) do_setsid = 1;
        else if (!strcmp(argv[i], "--detach")) detach = 1;
        else { fprintf(stderr, "cryo-helper: stub: unknown argument %s\n", argv[i]); return 2; }
    }
    pid_t pid;
    if (want > 0) {
        struct clone_args ca;
        memset(&ca, 0, sizeof ca);
        ca.exit_signal = SIGCHLD;
        ca.set_tid = (uint64_t)(uintptr_t)&want;
        ca.set_tid_size = 1;
        pid = (pid_t)syscall(SYS_clone3, &ca, sizeof ca);
        if (pid < 0) {
            /* EEXIST: the PID is taken (a zombie may still hold it); the restorer decides what next */
            fprintf(stderr, "cryo-helper: stub: pid %d: %s\n", want, strerror(errno));
            return errno == EEXIST ? 3 : 126;
        }
    } else {
        pid = fork();
        if (pid < 0) die("fork");
    }
    if (pid == 0) {
        if (do_setsid) setsid();
        raise(SIGSTOP);
        execl("/proc/self/exe", "cryo-helper", "hold", (char *)NULL);
        _exit(126);
    }
    printf("%d\n", pid);
    fflush(stdout);
    if (detach) return 0;
    /* Stay the parent: reap the restored process and pass its status on. */
    int st;
    while (waitpid(pid, &st, 0) < 0) if (errno != EINTR) die("waitpid");
    if (WIFEXITED(st)) return WEXITSTATUS(st);
    if (WIFSIGNALED(st)) return 128 + WTERMSIG(st);
    return 1;
}

int main(int argc, char **argv) {
    if (argc >= 2 && !strcmp(argv[1], "spawn")) return spawn(argc, argv);
    if (argc >= 2 && !strcmp(argv[1], "stub")) return stub(argc, argv);
    if (argc >= 2 && !strcmp(argv[1], "hold")) for (;;) pause();
    fprintf(stderr, "cryo-helper: usage: cryo-helper spawn|stub ... (internal to cryo)\n");
    return 2;
}
