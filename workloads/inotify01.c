/*
 * inotify01 DIR: an inotify instance whose watches a restore must add again with the same watch
 * descriptors, checked on every tick.
 *   - watch 1 on DIR (IN_CREATE|IN_DELETE): a file created and deleted per tick gives both events, named;
 *   - watch 2 on DIR/data (IN_MODIFY): a write per tick gives one event;
 *   - watch 3 (on DIR/gone) was removed, so the next is 4: a restore must not hand out 3;
 *   - watch 4 on DIR/sub (IN_CREATE), non-blocking instance: a file created in it per tick is reported.
 * Every event is read within the tick (nothing waits at a checkpoint); the watch list seen in
 * /proc/self/fdinfo must stay {1, 2, 4}.
 */
#include "wl.h"
#include <poll.h>
#include <sys/inotify.h>
#include <sys/stat.h>

static int in_fd, data_fd;
static int wd_dir, wd_data, wd_sub;
static char dir[4096];

static void path_of(char *out, size_t cap, const char *name) { snprintf(out, cap, "%s/%s", dir, name); }

/* Reads events until `want` have been seen or none comes for a while; returns the flags of what was seen. */
static int read_events(int want_wd, uint32_t want_mask, const char *want_name) {
    char buf[4096] __attribute__((aligned(8)));
    for (int i = 0; i < WL_WAIT_POLLS; i++) {
        ssize_t n = read(in_fd, buf, sizeof buf);
        if (n < 0 && (errno == EAGAIN || errno == EINTR)) { wl_sleep_ms(WL_POLL_MS); continue; }
        if (n <= 0) wl_fail("read inotify: %s", strerror(errno));
        int found = 0;
        for (char *p = buf; p < buf + n;) {
            struct inotify_event *e = (struct inotify_event *)p;
            if (e->mask & IN_Q_OVERFLOW) wl_fail("inotify queue overflow");
            if (e->wd != wd_dir && e->wd != wd_data && e->wd != wd_sub) wl_fail("event for unknown watch %d", e->wd);
            if (e->wd == want_wd && (e->mask & want_mask) && (!want_name || (e->len && !strcmp(e->name, want_name)))) found = 1;
            p += sizeof *e + e->len;
        }
        if (found) return 1;
    }
    wl_fail("no inotify event %#x on watch %d%s%s", want_mask, want_wd, want_name ? " for " : "", want_name ? want_name : "");
}

static void check_watch_list(void) {
    char path[64], buf[4096];
    snprintf(path, sizeof path, "/proc/self/fdinfo/%d", in_fd);
    wl_read_file(path, buf, sizeof buf);
    int seen[8] = {0};
    for (char *p = buf; (p = strstr(p, "inotify wd:")); p++) {
        int wd = (int)strtol(p + 11, NULL, 16);
        if (wd < 0 || wd > 7) wl_fail("watch %d", wd);
        seen[wd]++;
    }
    if (seen[1] != 1 || seen[2] != 1 || seen[3] != 0 || seen[4] != 1) wl_fail("watches are not {1, 2, 4}");
}

static void tick_inotify(void) {
    char path[4200], name[64];
    check_watch_list();
    snprintf(name, sizeof name, "t%llu", (unsigned long long)wl_tick_count);
    path_of(path, sizeof path, name);
    int f = open(path, O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
    if (f < 0) wl_fail("create %s: %s", path, strerror(errno));
    close(f);
    read_events(wd_dir, IN_CREATE, name);
    unlink(path);
    read_events(wd_dir, IN_DELETE, name);
    if (write(data_fd, "x", 1) != 1) wl_fail("write data: %s", strerror(errno));
    read_events(wd_data, IN_MODIFY, NULL);
    snprintf(path, sizeof path, "%s/sub/%s", dir, name);
    f = open(path, O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
    if (f < 0) wl_fail("create %s: %s", path, strerror(errno));
    close(f);
    read_events(wd_sub, IN_CREATE, name);
    unlink(path);
    /* drain what is left (the IN_DELETE in sub/ is not watched; IN_DELETE of t* may come late) */
    char buf[4096];
    while (read(in_fd, buf, sizeof buf) > 0) {}
}

int main(int argc, char **argv) {
    if (argc < 2 || !realpath(argv[1], dir)) { fprintf(stderr, "usage: inotify01 DIR\n"); return 2; }
    char path[4200];
    path_of(path, sizeof path, "data");
    data_fd = open(path, O_CREAT | O_WRONLY | O_APPEND | O_CLOEXEC, 0600);
    path_of(path, sizeof path, "gone");
    close(open(path, O_CREAT | O_WRONLY | O_CLOEXEC, 0600));
    path_of(path, sizeof path, "sub");
    mkdir(path, 0700);
    in_fd = inotify_init1(IN_NONBLOCK);
    if (data_fd < 0 || in_fd < 0) wl_fail("setup: %s", strerror(errno));
    wd_dir = inotify_add_watch(in_fd, dir, IN_CREATE | IN_DELETE);
    path_of(path, sizeof path, "data");
    wd_data = inotify_add_watch(in_fd, path, IN_MODIFY);
    path_of(path, sizeof path, "gone");
    int wd_gone = inotify_add_watch(in_fd, path, IN_ATTRIB);
    if (inotify_rm_watch(in_fd, wd_gone)) wl_fail("rm_watch: %s", strerror(errno));
    path_of(path, sizeof path, "sub");
    wd_sub = inotify_add_watch(in_fd, path, IN_CREATE);
    if (wd_dir != 1 || wd_data != 2 || wd_gone != 3 || wd_sub != 4) wl_fail("watch descriptors %d %d %d %d", wd_dir, wd_data, wd_gone, wd_sub);
    char buf[4096];
    while (read(in_fd, buf, sizeof buf) > 0) {} /* IN_IGNORED of the removed watch */
    for (;;) {
        tick_inotify();
        wl_tick();
        wl_sleep_ms(WL_TICK_MS);
    }
}
