/*
 * dirty01: memory written at random between checkpoints, for incremental checkpoints (dirty tracking).
 *
 *   dirty01 MAIN_MIB FILE [SEED [HOT_MIB]]
 *
 * Every tick makes 32 random changes, chosen by a PRNG seeded with (SEED, tick):
 *   - stores a pattern into a page of a main anonymous area (MAIN_MIB MiB);
 *   - read(2)s a page from a pipe into it (the kernel writes the page, not our code);
 *   - drops a page of it with madvise(MADV_DONTNEED) (it reads as zeros again);
 *   - writes a page of a MAP_PRIVATE mapping of FILE (a copy-on-write page), or drops one (the file's
 *     content shows again);
 *   - in one of 8 slots: mmaps a new area, munmaps it, mremaps it to another size (it may move; the new
 *     tail is filled), or rewrites it whole.
 * With HOT_MIB, a hot area of that many MiB (2 MiB aligned) is also rewritten whole on every tick, as a
 * heap that is all in use would be (dirty tracking treats such chunks apart).
 * Then it checks ALL its memory against a replay of the PRNG from tick 1 up to the tick count it holds:
 * a restore that brings back any page from the wrong moment fails the check.
 */
#include "wl.h"
#include <sys/mman.h>

#define PAGE 4096ul
#define FILE_PAGES 256
#define SLOTS 8
#define CHANGES 32

static char stdout_buf[8192];
static uint64_t seed = 42;
static size_t main_pages;
static unsigned char *main_area, *file_map;
static int pipe_fds[2];
static unsigned char pagebuf[PAGE];

struct slot { int pages, gen; };
struct model { int32_t *main; int32_t file[FILE_PAGES]; struct slot slots[SLOTS]; int32_t hot; };
static struct model live, replay;
static unsigned char *slot_addr[SLOTS];
static size_t hot_pages;
static unsigned char *hot_area;

/* the 8-byte word repeated over a page: never zero */
static uint64_t word(uint64_t a, uint64_t b, uint64_t c) { return wl_mix(seed ^ wl_mix(a ^ wl_mix(b ^ wl_mix(c)))) | 1; }

/* One tick's changes, to the model; with apply, to memory too. */
static void step(struct model *m, uint64_t t, int apply) {
    uint64_t r = wl_mix(seed ^ (t * 0x100000001b3ull));
    for (int k = 0; k < CHANGES; k++) {
        r = wl_mix(r);
        unsigned op = r % 100;
        uint64_t x = wl_mix(r ^ 0x5555);
        if (op < 70) {
            size_t p = x % main_pages;
            if (op < 60) {
                m->main[p] = (int32_t)t;
                if (apply) wl_fill_page(main_area + p * PAGE, word(1, p, t));
            } else if (op < 66) {
                m->main[p] = (int32_t)t;
                if (apply) {
                    wl_fill_page(pagebuf, word(1, p, t));
                    if (write(pipe_fds[1], pagebuf, PAGE) != (ssize_t)PAGE) wl_fail("write to pipe: %s", strerror(errno));
                    if (read(pipe_fds[0], main_area + p * PAGE, PAGE) != (ssize_t)PAGE) wl_fail("read from pipe: %s", strerror(errno));
                }
            } else {
                m->main[p] = -1;
                if (apply && madvise(main_area + p * PAGE, PAGE, MADV_DONTNEED)) wl_fail("madvise: %s", strerror(errno));
            }
        } else if (op < 85) {
            size_t q = x % FILE_PAGES;
            if (op < 80) {
                m->file[q] = (int32_t)t;
                if (apply) wl_fill_page(file_map + q * PAGE, word(2, q, t));
            } else {
                m->file[q] = -1;
                if (apply && madvise(file_map + q * PAGE, PAGE, MADV_DONTNEED)) wl_fail("madvise file: %s", strerror(errno));
            }
        } else {
            int s = (int)(x % SLOTS);
            struct slot *sl = &m->slots[s];
            int pages = 1 + (int)(wl_mix(x) % 96), action = (int)(wl_mix(x ^ 7) % 3);
            if (sl->pages == 0) {
                sl->pages = pages;
                sl->gen = (int)t;
                if (apply) {
                    slot_addr[s] = mmap(NULL, pages * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
                    if (slot_addr[s] == MAP_FAILED) wl_fail("mmap: %s", strerror(errno));
                    for (int i = 0; i < pages; i++) wl_fill_page(slot_addr[s] + i * PAGE, word(3 + s, i, t));
                }
            } else if (action == 0) {
                if (apply && munmap(slot_addr[s], sl->pages * PAGE)) wl_fail("munmap: %s", strerror(errno));
                sl->pages = 0;
            } else if (action == 1) {
                int old = sl->pages;
                if (apply) {
                    unsigned char *a = mremap(slot_addr[s], old * PAGE, pages * PAGE, MREMAP_MAYMOVE);
                    if (a == MAP_FAILED) wl_fail("mremap: %s", strerror(errno));
                    slot_addr[s] = a;
                    for (int i = old; i < pages; i++) wl_fill_page(a + i * PAGE, word(3 + s, i, sl->gen));
                }
                sl->pages = pages;
            } else {
                sl->gen = (int)t;
                if (apply) for (int i = 0; i < sl->pages; i++) wl_fill_page(slot_addr[s] + i * PAGE, word(3 + s, i, t));
            }
        }
    }
    if (hot_pages) {
        if (apply) for (size_t p = 0; p < hot_pages; p++) wl_fill_page(hot_area + p * PAGE, word(11, p, t));
        m->hot = (int32_t)t;
    }
}

/* Replays ticks 1..now from scratch and compares every page with what it must hold. */
static void check(uint64_t now) {
    for (size_t p = 0; p < main_pages; p++) replay.main[p] = 0;
    for (int q = 0; q < FILE_PAGES; q++) replay.file[q] = -1;
    memset(replay.slots, 0, sizeof replay.slots);
    replay.hot = 0;
    for (uint64_t t = 1; t <= now; t++) step(&replay, t, 0);
    for (size_t p = 0; p < main_pages; p++) {
        int32_t t = replay.main[p];
        if (t != live.main[p]) wl_fail("main page %zu: model says tick %d, replay %d", p, live.main[p], t);
        if (t < 0 ? !wl_page_zero(main_area + p * PAGE) : !wl_page_is(main_area + p * PAGE, word(1, p, (uint64_t)t)))
            wl_fail("main page %zu (tick %llu): not what tick %d wrote", p, (unsigned long long)now, t);
    }
    for (int q = 0; q < FILE_PAGES; q++) {
        int32_t t = replay.file[q];
        if (!wl_page_is(file_map + q * PAGE, t < 0 ? word(9, q, 0) : word(2, q, (uint64_t)t)))
            wl_fail("file page %d (tick %llu): not what tick %d left", q, (unsigned long long)now, t);
    }
    if (replay.hot != live.hot) wl_fail("hot area: model says tick %d, replay %d", live.hot, replay.hot);
    for (size_t p = 0; p < hot_pages; p++)
        if (!wl_page_is(hot_area + p * PAGE, word(11, p, (uint64_t)replay.hot)))
            wl_fail("hot page %zu (tick %llu): not what tick %d wrote", p, (unsigned long long)now, replay.hot);
    for (int s = 0; s < SLOTS; s++) {
        struct slot *e = &replay.slots[s];
        if (e->pages != live.slots[s].pages || e->gen != live.slots[s].gen) wl_fail("slot %d: model differs from replay", s);
        for (int i = 0; i < e->pages; i++)
            if (!wl_page_is(slot_addr[s] + i * PAGE, word(3 + s, i, e->gen))) wl_fail("slot %d page %d: wrong content", s, i);
    }
}

int main(int argc, char **argv) {
    setvbuf(stdout, stdout_buf, _IOFBF, sizeof stdout_buf);
    if (argc < 3) wl_fail("usage: dirty01 MAIN_MIB FILE [SEED]");
    main_pages = strtoul(argv[1], NULL, 10) * 256;
    if (argc > 3) seed = strtoull(argv[3], NULL, 10);
    if (argc > 4) {
        hot_pages = strtoul(argv[4], NULL, 10) * 256;
        unsigned char *raw = mmap(NULL, hot_pages * PAGE + (2ul << 20), PROT_READ | PROT_WRITE,
                                  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (raw == MAP_FAILED) wl_fail("mmap hot: %s", strerror(errno));
        hot_area = (unsigned char *)(((uintptr_t)raw + (2ul << 20) - 1) & ~((2ul << 20) - 1));
        for (size_t p = 0; p < hot_pages; p++) wl_fill_page(hot_area + p * PAGE, word(11, p, 0));
    }
    live.main = calloc(main_pages, sizeof(int32_t));
    replay.main = calloc(main_pages, sizeof(int32_t));
    main_area = mmap(NULL, main_pages * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (!live.main || !replay.main || main_area == MAP_FAILED) wl_fail("allocation failed");
    for (size_t p = 0; p < main_pages; p++) wl_fill_page(main_area + p * PAGE, word(1, p, 0));
    int fd = open(argv[2], O_RDWR | O_CREAT | O_TRUNC, 0600);
    if (fd < 0) wl_fail("open %s: %s", argv[2], strerror(errno));
    for (int q = 0; q < FILE_PAGES; q++) {
        wl_fill_page(pagebuf, word(9, q, 0));
        if (write(fd, pagebuf, PAGE) != (ssize_t)PAGE) wl_fail("write %s: %s", argv[2], strerror(errno));
    }
    file_map = mmap(NULL, FILE_PAGES * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    if (file_map == MAP_FAILED) wl_fail("mmap %s: %s", argv[2], strerror(errno));
    close(fd);
    for (int q = 0; q < FILE_PAGES; q++) live.file[q] = -1;
    if (pipe(pipe_fds)) wl_fail("pipe: %s", strerror(errno));
    for (;;) {
        uint64_t t = wl_tick_count + 1;
        step(&live, t, 1);
        check(t);
        wl_tick();
        wl_sleep_ms(WL_TICK_MS);
    }
}
