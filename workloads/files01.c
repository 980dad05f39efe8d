/*
 * files01 DIR: open files whose state a restore must rebuild, checked on every tick. All files
 * are created in DIR.
 *   - rw.dat, O_RDWR: read 64 bytes per tick at a moving offset (checked with lseek), wrapping;
 *   - log.dat, O_WRONLY: one 32-byte record written per tick, the offset must follow;
 *   - append.dat, O_APPEND: written per tick after an lseek to 0, the write must land at the end
 *     (O_APPEND must survive in the file status flags);
 *   Sizes are never compared with our own count: after a --leave-running checkpoint the original
 *   process goes on writing, and its restored copy finds the files longer than it left them.
 *   - the same file opened with FD_CLOEXEC, and rw.dat's fd without it;
 *   - ghost.dat, O_RDONLY, unlinked after opening: its content must still read back;
 *   - ghostmap.dat, O_RDWR, MAP_SHARED mapped and unlinked: bytes written through the mapping
 *     must be read back through the fd (both must reach the same deleted file);
 *   - DIR as an O_DIRECTORY fd: fchdir'd at start, and openat(dirfd, "rw.dat") every tick;
 *   - /dev/null for writing and reading;
 *   - a pipe inside the process with 16-24 KiB in flight: 512 bytes read back per tick (checked
 *     against the stream written), refilled when low; FIONREAD must equal what is in flight;
 *   - dup.dat and a dup() of its fd: they share one offset, read alternately.
 * Fd numbers are recorded once and must stay the same.
 */
#include "wl.h"
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>

#define RW_SIZE (64 * 1024)
#define READ_CHUNK 64
#define RECORD 32
#define GHOST_SIZE (20 * 1024)
#define MAP_SIZE (16 * 1024)
#define PIPE_LOW (16 * 1024)
#define PIPE_HIGH (24 * 1024)
#define PIPE_READ 512
#define DUP_SIZE (32 * 1024)

static int rw_fd, log_fd, append_fd, cloexec_fd, ghost_fd, ghostmap_fd, dir_fd, null_w, null_r, pipe_r, pipe_w, dup_a, dup_b;
static off_t rw_pos, dup_pos;
static uint64_t pipe_written, pipe_read;
static unsigned char *map;
static char dirpath[4096];

static unsigned char stream_byte(uint64_t k) { return (unsigned char)(wl_pattern(0x919E, k / 8) >> (8 * (k % 8))); }
static unsigned char file_byte(uint64_t seed, uint64_t k) { return (unsigned char)(wl_pattern(seed, k / 8) >> (8 * (k % 8))); }

static int open_in(const char *name, int flags) {
    char path[4200];
    snprintf(path, sizeof path, "%s/%s", dirpath, name);
    int fd = open(path, flags, 0600);
    if (fd < 0) wl_fail("open %s: %s", path, strerror(errno));
    return fd;
}

static void write_all(int fd, const void *buf, size_t len, const char *what) {
    const char *p = buf;
    while (len) {
        ssize_t n = write(fd, p, len);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) wl_fail("write %s: %s", what, strerror(errno));
        p += n; len -= (size_t)n;
    }
}

static void read_exact(int fd, void *buf, size_t len, const char *what) {
    char *p = buf;
    while (len) {
        ssize_t n = read(fd, p, len);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) wl_fail("read %s: %s", what, strerror(errno));
        if (n == 0) wl_fail("read %s: unexpected end of file", what);
        p += n; len -= (size_t)n;
    }
}

static void fill_file(int fd, uint64_t seed, size_t size, const char *what) {
    unsigned char buf[4096];
    for (size_t off = 0; off < size; off += sizeof buf) {
        for (size_t k = 0; k < sizeof buf; k++) buf[k] = file_byte(seed, off + k);
        write_all(fd, buf, sizeof buf, what);
    }
}

static void expect_bytes(const char *what, const unsigned char *got, uint64_t seed, uint64_t at, size_t len) {
    for (size_t k = 0; k < len; k++)
        if (got[k] != file_byte(seed, at + k)) wl_fail("%s: byte at %llu is %u, expected %u", what, (unsigned long long)(at + k), got[k], file_byte(seed, at + k));
}

static off_t pos_of(int fd) { return lseek(fd, 0, SEEK_CUR); }

static void check_fd_flags(const char *what, int fd, int want_cloexec, int want_fl) {
    int fdflags = fcntl(fd, F_GETFD), flflags = fcntl(fd, F_GETFL);
    if (fdflags < 0 || flflags < 0) wl_fail("%s: fd %d is not open: %s", what, fd, strerror(errno));
    if (!!(fdflags & FD_CLOEXEC) != want_cloexec) wl_fail("%s: fd %d FD_CLOEXEC is %s", what, fd, want_cloexec ? "off" : "on");
    int mask = O_ACCMODE | O_APPEND | O_NONBLOCK;
    if ((flflags & mask) != want_fl) wl_fail("%s: fd %d status flags %#o, expected %#o", what, fd, flflags & mask, want_fl);
}

static void tick_files(void) {
    char what[64];
    unsigned char buf[PIPE_READ];

    /* rw.dat: offset moves by what we read */
    if (pos_of(rw_fd) != rw_pos) wl_fail("rw.dat: offset %lld, expected %lld", (long long)pos_of(rw_fd), (long long)rw_pos);
    read_exact(rw_fd, buf, READ_CHUNK, "rw.dat");
    expect_bytes("rw.dat", buf, 0x2A, (uint64_t)rw_pos, READ_CHUNK);
    rw_pos += READ_CHUNK;
    if (rw_pos >= RW_SIZE) { rw_pos = 0; if (lseek(rw_fd, 0, SEEK_SET) != 0) wl_fail("lseek rw.dat"); }
    check_fd_flags("rw.dat", rw_fd, 0, O_RDWR);

    /* log.dat: one record per tick. The file may be longer than our offset: after a
     * --leave-running checkpoint the original went on writing before it was killed. */
    off_t logpos = pos_of(log_fd);
    struct stat st;
    if (fstat(log_fd, &st)) wl_fail("fstat log.dat");
    if (logpos != (off_t)(wl_tick_count * RECORD) || st.st_size < logpos)
        wl_fail("log.dat: offset %lld size %lld, expected offset %llu", (long long)logpos, (long long)st.st_size, (unsigned long long)(wl_tick_count * RECORD));
    char rec[RECORD + 1];
    snprintf(rec, sizeof rec, "tick %-26llu\n", (unsigned long long)wl_tick_count + 1);
    write_all(log_fd, rec, RECORD, "log.dat");
    if (pos_of(log_fd) != logpos + RECORD) wl_fail("log.dat: offset did not move by one record");
    check_fd_flags("log.dat", log_fd, 0, O_WRONLY);

    /* append.dat: the offset we set is ignored, each write lands at the end */
    struct stat before;
    if (fstat(append_fd, &before)) wl_fail("fstat append.dat");
    if (lseek(append_fd, 0, SEEK_SET) != 0) wl_fail("lseek append.dat");
    write_all(append_fd, rec, RECORD, "append.dat");
    if (fstat(append_fd, &st)) wl_fail("fstat append.dat");
    if (st.st_size != before.st_size + RECORD || pos_of(append_fd) != st.st_size)
        wl_fail("append.dat: size %lld -> %lld, offset %lld after an O_APPEND write of %d", (long long)before.st_size,
                (long long)st.st_size, (long long)pos_of(append_fd), RECORD);
    check_fd_flags("append.dat", append_fd, 0, O_WRONLY | O_APPEND);
    check_fd_flags("append.dat (cloexec)", cloexec_fd, 1, O_RDONLY);
    char tail[RECORD];
    if (pread(cloexec_fd, tail, RECORD, st.st_size - RECORD) != RECORD || memcmp(tail, rec, RECORD))
        wl_fail("append.dat read through the FD_CLOEXEC fd does not end with the last record");

    /* ghost.dat: unlinked, still readable */
    for (uint64_t at = 0; at < GHOST_SIZE; at += sizeof buf) {
        if (pread(ghost_fd, buf, sizeof buf, (off_t)at) != (ssize_t)sizeof buf) wl_fail("pread ghost.dat: %s", strerror(errno));
        expect_bytes("unlinked ghost.dat", buf, 0x6057, at, sizeof buf);
    }
    if (fstat(ghost_fd, &st) || st.st_nlink != 0 || st.st_size != GHOST_SIZE)
        wl_fail("ghost.dat: nlink %lu size %lld, expected an unlinked file of %d bytes", (unsigned long)st.st_nlink, (long long)st.st_size, GHOST_SIZE);
    check_fd_flags("ghost.dat", ghost_fd, 0, O_RDONLY);

    /* ghostmap.dat: the mapping and the fd see one file */
    size_t slot = (size_t)(wl_tick_count % (MAP_SIZE / 8));
    uint64_t v = wl_pattern(0x3A9, wl_tick_count);
    memcpy(map + slot * 8, &v, 8);
    uint64_t back;
    if (pread(ghostmap_fd, &back, 8, (off_t)(slot * 8)) != 8) wl_fail("pread ghostmap.dat: %s", strerror(errno));
    if (back != v) wl_fail("ghostmap.dat: write through the shared mapping not seen through the fd (%#llx != %#llx)", (unsigned long long)back, (unsigned long long)v);
    if (fstat(ghostmap_fd, &st) || st.st_nlink != 0) wl_fail("ghostmap.dat is linked again");

    /* directory fd: openat, and the cwd we fchdir'd to */
    int f = openat(dir_fd, "rw.dat", O_RDONLY | O_CLOEXEC);
    if (f < 0) wl_fail("openat(dirfd, rw.dat): %s", strerror(errno));
    read_exact(f, buf, 16, "rw.dat via openat");
    expect_bytes("rw.dat via openat", buf, 0x2A, 0, 16);
    close(f);
    struct stat here, d;
    if (stat(".", &here) || fstat(dir_fd, &d) || here.st_ino != d.st_ino || here.st_dev != d.st_dev) wl_fail("cwd is not DIR any more");

    /* /dev/null */
    if (write(null_w, rec, RECORD) != RECORD) wl_fail("write /dev/null: %s", strerror(errno));
    if (read(null_r, buf, 1) != 0) wl_fail("read /dev/null did not return 0");

    /* the pipe: what is in flight, then the next chunk of the stream */
    int inflight;
    if (ioctl(pipe_r, FIONREAD, &inflight)) wl_fail("FIONREAD: %s", strerror(errno));
    if ((uint64_t)inflight != pipe_written - pipe_read) wl_fail("pipe holds %d bytes, expected %llu", inflight, (unsigned long long)(pipe_written - pipe_read));
    read_exact(pipe_r, buf, PIPE_READ, "pipe");
    for (size_t k = 0; k < PIPE_READ; k++)
        if (buf[k] != stream_byte(pipe_read + k)) wl_fail("pipe byte %llu is %u, expected %u", (unsigned long long)(pipe_read + k), buf[k], stream_byte(pipe_read + k));
    pipe_read += PIPE_READ;
    if (pipe_written - pipe_read < PIPE_LOW) {
        while (pipe_written - pipe_read < PIPE_HIGH) {
            for (size_t k = 0; k < sizeof buf; k++) buf[k] = stream_byte(pipe_written + k);
            write_all(pipe_w, buf, sizeof buf, "pipe");
            pipe_written += sizeof buf;
        }
    }

    /* dup'd fds: one offset */
    int from = (wl_tick_count & 1) ? dup_a : dup_b;
    if (pos_of(dup_a) != dup_pos || pos_of(dup_b) != dup_pos)
        wl_fail("dup'd fds: offsets %lld and %lld, expected both %lld", (long long)pos_of(dup_a), (long long)pos_of(dup_b), (long long)dup_pos);
    read_exact(from, buf, READ_CHUNK, "dup.dat");
    snprintf(what, sizeof what, "dup.dat via fd %d", from);
    expect_bytes(what, buf, 0xD0B, (uint64_t)dup_pos, READ_CHUNK);
    dup_pos += READ_CHUNK;
    if (dup_pos >= DUP_SIZE) { dup_pos = 0; if (lseek(dup_a, 0, SEEK_SET) != 0) wl_fail("lseek dup.dat"); }
}

int main(int argc, char **argv) {
    if (argc < 2) { fprintf(stderr, "usage: files01 DIR\n"); return 2; }
    if (!realpath(argv[1], dirpath)) { fprintf(stderr, "files01: %s: %s\n", argv[1], strerror(errno)); return 2; }

    rw_fd = open_in("rw.dat", O_RDWR | O_CREAT | O_TRUNC);
    fill_file(rw_fd, 0x2A, RW_SIZE, "rw.dat");
    if (lseek(rw_fd, 0, SEEK_SET) != 0) wl_fail("lseek");
    log_fd = open_in("log.dat", O_WRONLY | O_CREAT | O_TRUNC);
    append_fd = open_in("append.dat", O_WRONLY | O_CREAT | O_TRUNC | O_APPEND);
    cloexec_fd = open_in("append.dat", O_RDONLY | O_CLOEXEC);

    int g = open_in("ghost.dat", O_WRONLY | O_CREAT | O_TRUNC);
    fill_file(g, 0x6057, GHOST_SIZE, "ghost.dat");
    close(g);
    ghost_fd = open_in("ghost.dat", O_RDONLY);
    ghostmap_fd = open_in("ghostmap.dat", O_RDWR | O_CREAT | O_TRUNC);
    if (ftruncate(ghostmap_fd, MAP_SIZE)) wl_fail("ftruncate: %s", strerror(errno));
    map = mmap(NULL, MAP_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, ghostmap_fd, 0);
    if (map == MAP_FAILED) wl_fail("mmap ghostmap.dat: %s", strerror(errno));
    char path[4200];
    snprintf(path, sizeof path, "%s/ghost.dat", dirpath);
    if (unlink(path)) wl_fail("unlink %s: %s", path, strerror(errno));
    snprintf(path, sizeof path, "%s/ghostmap.dat", dirpath);
    if (unlink(path)) wl_fail("unlink %s: %s", path, strerror(errno));

    dir_fd = open(dirpath, O_RDONLY | O_DIRECTORY);
    if (dir_fd < 0 || fchdir(dir_fd)) wl_fail("open/fchdir %s: %s", dirpath, strerror(errno));
    null_w = open("/dev/null", O_WRONLY);
    null_r = open("/dev/null", O_RDONLY);
    int p[2];
    if (null_w < 0 || null_r < 0 || pipe(p)) wl_fail("open /dev/null or pipe: %s", strerror(errno));
    pipe_r = p[0]; pipe_w = p[1];
    unsigned char buf[PIPE_READ];
    while (pipe_written < PIPE_HIGH) {
        for (size_t k = 0; k < sizeof buf; k++) buf[k] = stream_byte(pipe_written + k);
        write_all(pipe_w, buf, sizeof buf, "pipe");
        pipe_written += sizeof buf;
    }
    dup_a = open("dup.dat", O_RDWR | O_CREAT | O_TRUNC, 0600); /* relative: we are in DIR */
    if (dup_a < 0) wl_fail("open dup.dat: %s", strerror(errno));
    fill_file(dup_a, 0xD0B, DUP_SIZE, "dup.dat");
    if (lseek(dup_a, 0, SEEK_SET) != 0) wl_fail("lseek");
    dup_b = dup(dup_a);
    if (dup_b < 0) wl_fail("dup: %s", strerror(errno));

    for (;;) {
        tick_files();
        wl_tick();
        wl_sleep_ms(WL_TICK_MS);
    }
}
