/*
 * locks01 DIR: file locks a restore must take again, checked on every tick from other open file
 * descriptions of the same files (which conflict with them):
 *   - flock LOCK_EX on excl.lock: another description cannot take even LOCK_SH;
 *   - flock LOCK_SH on shared.lock: another can take LOCK_SH, not LOCK_EX;
 *   - fcntl POSIX write lock on posix.lock bytes [100, 200) and read lock on [300, EOF): F_OFD_GETLK from
 *     another description reports each, with our pid;
 *   - OFD write lock on ofd.lock bytes [0, 10): F_OFD_GETLK reports it, with pid -1.
 * The locking fds' numbers must stay the same.
 */
#include "wl.h"
#include <sys/file.h>

static int excl_fd, shared_fd, posix_fd, ofd_fd;
static char dir[4096];

static int open_in(const char *name) {
    char path[4200];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) wl_fail("open %s: %s", path, strerror(errno));
    return fd;
}

static void lock(int fd, int cmd, short type, off_t start, off_t len) {
    struct flock fl = {.l_type = type, .l_whence = SEEK_SET, .l_start = start, .l_len = len};
    if (fcntl(fd, cmd, &fl)) wl_fail("fcntl lock: %s", strerror(errno));
}

/* What another open file description sees in [start, start+len): the conflicting lock, as F_OFD_GETLK says.
 * The probing descriptions stay open: closing any descriptor of a file drops the process's POSIX locks on it. */
static int posix_probe, ofd_probe;

static struct flock probe(const char *name, short type, off_t start, off_t len) {
    int fd = strcmp(name, "posix.lock") ? ofd_probe : posix_probe;
    struct flock fl = {.l_type = type, .l_whence = SEEK_SET, .l_start = start, .l_len = len};
    if (fcntl(fd, F_OFD_GETLK, &fl)) wl_fail("F_OFD_GETLK %s: %s", name, strerror(errno));
    return fl;
}

static void expect_lock(const char *name, off_t at, short want_type, off_t want_start, off_t want_len, pid_t want_pid) {
    struct flock fl = probe(name, F_WRLCK, at, 1);
    if (fl.l_type != want_type || fl.l_start != want_start || fl.l_len != want_len || fl.l_pid != want_pid)
        wl_fail("%s at %lld: lock type %d [%lld +%lld] pid %d, expected type %d [%lld +%lld] pid %d", name, (long long)at,
                fl.l_type, (long long)fl.l_start, (long long)fl.l_len, fl.l_pid, want_type, (long long)want_start,
                (long long)want_len, want_pid);
}

static void tick_locks(void) {
    int fd = open_in("excl.lock");
    if (flock(fd, LOCK_SH | LOCK_NB) == 0 || errno != EWOULDBLOCK) wl_fail("excl.lock: the exclusive flock is gone");
    close(fd);
    fd = open_in("shared.lock");
    if (flock(fd, LOCK_SH | LOCK_NB)) wl_fail("shared.lock: a shared flock was refused: %s", strerror(errno));
    flock(fd, LOCK_UN);
    if (flock(fd, LOCK_EX | LOCK_NB) == 0 || errno != EWOULDBLOCK) wl_fail("shared.lock: the shared flock is gone");
    close(fd);
    expect_lock("posix.lock", 150, F_WRLCK, 100, 100, getpid());
    expect_lock("posix.lock", 250, F_UNLCK, 250, 1, 0);
    expect_lock("posix.lock", 1 << 20, F_RDLCK, 300, 0, getpid());
    expect_lock("ofd.lock", 5, F_WRLCK, 0, 10, -1);
    expect_lock("ofd.lock", 10, F_UNLCK, 10, 1, 0);
    /* the locking fds are still ours */
    int fds[] = {excl_fd, shared_fd, posix_fd, ofd_fd};
    for (int i = 0; i < 4; i++) if (fcntl(fds[i], F_GETFD) < 0) wl_fail("fd %d is closed", fds[i]);
}

int main(int argc, char **argv) {
    if (argc < 2 || !realpath(argv[1], dir)) { fprintf(stderr, "usage: locks01 DIR\n"); return 2; }
    excl_fd = open_in("excl.lock");
    shared_fd = open_in("shared.lock");
    posix_fd = open_in("posix.lock");
    ofd_fd = open_in("ofd.lock");
    posix_probe = open_in("posix.lock");
    ofd_probe = open_in("ofd.lock");
    if (flock(excl_fd, LOCK_EX) || flock(shared_fd, LOCK_SH)) wl_fail("flock: %s", strerror(errno));
    lock(posix_fd, F_SETLK, F_WRLCK, 100, 100);
    lock(posix_fd, F_SETLK, F_RDLCK, 300, 0);
    lock(ofd_fd, F_OFD_SETLK, F_WRLCK, 0, 10);
    for (;;) {
        tick_locks();
        wl_tick();
        wl_sleep_ms(WL_TICK_MS);
    }
}
