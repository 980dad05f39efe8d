/*
 * shm01: memfd and shared anonymous memory held by one process, checked on every tick.
 *   - memfd "cryo-shared" (64 KiB, pattern) kept open and mapped MAP_SHARED twice: a word written through
 *     one mapping must be read through the other and through the descriptor (one object, not three);
 *     its seals F_SEAL_SHRINK|F_SEAL_GROW must hold (ftruncate fails) and read back;
 *   - memfd "cryo-fd-only" (not mapped) at offset 1000: the next bytes read must follow the pattern;
 *   - memfd "cryo-map-only": mapped MAP_SHARED, its descriptor closed; its pattern must hold;
 *   - 1 MiB of MAP_SHARED|MAP_ANONYMOUS memory with a pattern, half of it MADV_DONTNEED'd (shared memory
 *     keeps those pages: they read back unchanged), and a counter in it that grows every tick.
 */
#include "wl.h"
#include <sys/mman.h>

#define MFD_SIZE (64 * 1024)
#define SHM_SIZE (1024 * 1024)

static int shared_fd, fdonly_fd;
static uint64_t *map_a, *map_b, *maponly, *shm;
static off_t fdonly_pos = 1000;
static uint64_t counter;

static int make_memfd(const char *name, unsigned flags, uint64_t seed, size_t size) {
    int fd = memfd_create(name, flags);
    if (fd < 0 || ftruncate(fd, (off_t)size)) wl_fail("memfd_create %s: %s", name, strerror(errno));
    uint64_t *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (p == MAP_FAILED) wl_fail("mmap %s: %s", name, strerror(errno));
    wl_fill(p, size / 8, seed);
    munmap(p, size);
    return fd;
}

static void tick_shm(void) {
    /* one object behind two mappings and a descriptor */
    size_t slot = 1 + (size_t)(wl_tick_count % (MFD_SIZE / 8 - 1));
    uint64_t v = wl_pattern(0x7777, wl_tick_count);
    map_a[slot] = v;
    uint64_t via_fd = 0;
    if (map_b[slot] != v) wl_fail("memfd: a write through one mapping is not seen through the other");
    if (pread(shared_fd, &via_fd, 8, (off_t)(slot * 8)) != 8 || via_fd != v) wl_fail("memfd: a write through the mapping is not seen through the fd");
    map_a[slot] = wl_pattern(0xA11, slot); /* back to the pattern */
    wl_expect_pattern("memfd cryo-shared", map_b, MFD_SIZE, 0xA11);
    int seals = fcntl(shared_fd, F_GET_SEALS);
    if (seals != (F_SEAL_SHRINK | F_SEAL_GROW)) wl_fail("memfd seals are %#x", seals);
    if (ftruncate(shared_fd, MFD_SIZE / 2) == 0 || errno != EPERM) wl_fail("F_SEAL_SHRINK does not hold");

    /* descriptor only: offset and content */
    if (lseek(fdonly_fd, 0, SEEK_CUR) != fdonly_pos) wl_fail("memfd cryo-fd-only: offset %lld, expected %lld", (long long)lseek(fdonly_fd, 0, SEEK_CUR), (long long)fdonly_pos);
    uint64_t word;
    if (pread(fdonly_fd, &word, 8, 4096) != 8 || word != wl_pattern(0xF0, 512)) wl_fail("memfd cryo-fd-only: content changed");
    char c;
    if (read(fdonly_fd, &c, 1) != 1) wl_fail("read cryo-fd-only: %s", strerror(errno));
    fdonly_pos++;
    if (fdonly_pos > 60000) { fdonly_pos = 1000; lseek(fdonly_fd, 1000, SEEK_SET); }
    if (fcntl(fdonly_fd, F_GET_SEALS) != F_SEAL_SEAL) wl_fail("memfd made without MFD_ALLOW_SEALING reads seals %#x", fcntl(fdonly_fd, F_GET_SEALS));

    wl_expect_pattern("memfd cryo-map-only", maponly, MFD_SIZE, 0xB0);

    /* shared anonymous memory */
    if (shm[0] != counter) wl_fail("shared anonymous counter is %llu, expected %llu", (unsigned long long)shm[0], (unsigned long long)counter);
    shm[0] = ++counter;
    wl_expect_pattern("shared anonymous memory", shm + 1, SHM_SIZE - 8, 0x5A);
}

int main(void) {
    shared_fd = make_memfd("cryo-shared", MFD_CLOEXEC | MFD_ALLOW_SEALING, 0xA11, MFD_SIZE);
    map_a = mmap(NULL, MFD_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, shared_fd, 0);
    map_b = mmap(NULL, MFD_SIZE, PROT_READ, MAP_SHARED, shared_fd, 0);
    if (map_a == MAP_FAILED || map_b == MAP_FAILED) wl_fail("mmap: %s", strerror(errno));
    if (fcntl(shared_fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW)) wl_fail("F_ADD_SEALS: %s", strerror(errno));

    fdonly_fd = make_memfd("cryo-fd-only", 0, 0xF0, MFD_SIZE);
    lseek(fdonly_fd, fdonly_pos, SEEK_SET);

    int mo = make_memfd("cryo-map-only", MFD_CLOEXEC, 0xB0, MFD_SIZE);
    maponly = mmap(NULL, MFD_SIZE, PROT_READ, MAP_SHARED, mo, 0);
    if (maponly == MAP_FAILED) wl_fail("mmap: %s", strerror(errno));
    close(mo);

    shm = mmap(NULL, SHM_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (shm == MAP_FAILED) wl_fail("mmap shared anonymous: %s", strerror(errno));
    shm[0] = 0;
    wl_fill(shm + 1, SHM_SIZE / 8 - 1, 0x5A);
    if (madvise((char *)shm + SHM_SIZE / 2, SHM_SIZE / 2, MADV_DONTNEED)) wl_fail("madvise: %s", strerror(errno));
    for (;;) {
        tick_shm();
        wl_tick();
        wl_sleep_ms(WL_TICK_MS);
    }
}
