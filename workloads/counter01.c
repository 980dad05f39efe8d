/*
 * counter01 [MIB]: the simplest workload, and the one benchmarks size.
 *
 * One thread, a heap of MIB MiB (default 64) filled with a non-zero pattern, and a counter.
 * Each tick it also rewrites one page of the heap with a new version (the page's version is kept
 * in a separate array), so an incremental checkpoint that misses a dirty page shows up as a FAIL.
 * Every tick re-checks up to 64 MiB of the heap, moving on through it, so small heaps are checked
 * whole on every tick and a 1 GiB heap within 16 ticks.
 */
#include "wl.h"

#define PAGE 4096ul
#define CHECK_PER_TICK (64ul << 20)

int main(int argc, char **argv) {
    long mib = argc > 1 ? atol(argv[1]) : 64;
    if (mib <= 0) { fprintf(stderr, "usage: counter01 [MIB]\n"); return 2; }
    size_t bytes = (size_t)mib << 20, pages = bytes / PAGE;
    uint64_t *heap = malloc(bytes);
    uint32_t *version = calloc(pages, sizeof *version);
    if (!heap || !version) wl_fail("malloc %ld MiB: %s", mib, strerror(errno));
    wl_fill(heap, bytes / 8, 0xC0FFEE);

    size_t cursor = 0; /* next byte offset to check */
    for (;;) {
        /* rewrite one page with the next version of its pattern */
        size_t dirty = (size_t)(wl_tick_count * 7919u) % pages;
        version[dirty]++;
        wl_fill(heap + dirty * PAGE / 8, PAGE / 8, 0xC0FFEE ^ ((uint64_t)version[dirty] << 40) ^ (dirty * PAGE / 8));

        size_t todo = bytes < CHECK_PER_TICK ? bytes : CHECK_PER_TICK;
        while (todo) {
            size_t page = cursor / PAGE;
            const uint64_t *p = heap + page * PAGE / 8;
            if (version[page] == 0) {
                /* untouched page: the initial fill, whose pattern index is global */
                long bad = -1;
                for (size_t i = 0; i < PAGE / 8; i++)
                    if (p[i] != wl_pattern(0xC0FFEE, page * PAGE / 8 + i)) { bad = (long)i; break; }
                if (bad >= 0) wl_fail("heap page %zu word %ld: %#llx", page, bad, (unsigned long long)p[bad]);
            } else {
                char what[64];
                snprintf(what, sizeof what, "heap page %zu version %u", page, version[page]);
                wl_expect_pattern(what, p, PAGE, 0xC0FFEE ^ ((uint64_t)version[page] << 40) ^ (page * PAGE / 8));
            }
            cursor = (cursor + PAGE) % bytes;
            todo -= PAGE;
        }
        wl_tick();
        wl_sleep_ms(WL_TICK_MS);
    }
}
