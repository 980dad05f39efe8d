/*
 * wpcost: what dirty tracking costs the tracked process, measured inside one process (bench/overhead.sh).
 *
 *   wpcost MIB [huge]
 *
 * MIB MiB of anonymous memory, every page touched (with "huge", MADV_HUGEPAGE first). Then, timed, a loop
 * that writes one word of every page once:
 *   plain      no tracking (the pages are mapped and writable: no fault)
 *   protected  after registering the area with an async write-protect userfaultfd and protecting it: one
 *              write-protect fault per page, resolved by the kernel (what the process pays after each
 *              checkpoint, for every page it writes again)
 *   rescanned  after PAGEMAP_SCAN reported the written pages and protected them again (the checkpoint's
 *              call): the same faults again
 *   unprotected after a PAGEMAP_SCAN that only reports (no PM_SCAN_WP_MATCHING): no fault
 * with the minor faults (getrusage) and the time of each scan, and AnonHugePages before and after.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/userfaultfd.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define PAGE 4096ul
#define FEATURE_WP_UNPOPULATED (1ull << 13)
#define FEATURE_WP_ASYNC (1ull << 15)
/* PAGEMAP_SCAN (6.7+), absent from this distribution's headers */
struct pm_scan_arg {
    uint64_t size, flags, start, end, walk_end, vec, vec_len, max_pages, category_inverted, category_mask,
        category_anyof_mask, return_mask;
};
struct page_region { uint64_t start, end, categories; };
#define PAGEMAP_SCAN _IOWR('f', 16, struct pm_scan_arg)
#define PM_SCAN_WP_MATCHING 1ull
#define PM_SCAN_CHECK_WPASYNC 2ull
#define PAGE_IS_WRITTEN 2ull

static void die(const char *what) { fprintf(stderr, "wpcost: %s: %s\n", what, strerror(errno)); exit(1); }

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

static double cpu(void) {
    struct timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

static long minflt(void) {
    struct rusage u;
    getrusage(RUSAGE_SELF, &u);
    return u.ru_minflt;
}

static long huge_kb(void) {
    FILE *f = fopen("/proc/self/smaps_rollup", "r");
    char line[256];
    long kb = -1;
    while (f && fgets(line, sizeof line, f)) if (sscanf(line, "AnonHugePages: %ld kB", &kb) == 1) break;
    if (f) fclose(f);
    return kb;
}

static void write_each(const char *label, volatile uint64_t *mem, size_t pages) {
    long f0 = minflt();
    double t0 = now(), c0 = cpu();
    for (size_t p = 0; p < pages; p++) mem[p * (PAGE / 8) + 1]++;
    double t = now() - t0, c = cpu() - c0;
    long f = minflt() - f0;
    printf("%-12s %8.1f ms  %8.3f us/page (CPU %.3f)  %8ld minor faults  AnonHugePages %ld kB\n", label, t * 1e3,
           t * 1e6 / pages, c * 1e6 / pages, f, huge_kb());
}

static struct page_region regions[65536];

static void scan(const char *label, int pm, uint64_t *mem, size_t pages, uint64_t flags) {
    struct pm_scan_arg a = {.size = sizeof a, .flags = flags | PM_SCAN_CHECK_WPASYNC, .start = (uint64_t)mem,
                            .end = (uint64_t)mem + pages * PAGE, .vec = (uint64_t)regions, .vec_len = 65536,
                            .category_mask = PAGE_IS_WRITTEN, .return_mask = PAGE_IS_WRITTEN};
    double t0 = now();
    size_t written = 0, calls = 0, nregions = 0;
    while (a.start < a.end) {
        long n = ioctl(pm, PAGEMAP_SCAN, &a);
        if (n < 0) die("PAGEMAP_SCAN");
        calls++;
        nregions += n;
        for (long i = 0; i < n; i++) written += (regions[i].end - regions[i].start) / PAGE;
        a.start = a.walk_end;
    }
    printf("%-12s %8.1f ms  %zu pages written in %zu ranges (%zu calls)\n", label, (now() - t0) * 1e3, written,
           nregions, calls);
}

int main(int argc, char **argv) {
    if (argc < 2) { fprintf(stderr, "usage: wpcost MIB [huge]\n"); return 2; }
    size_t pages = strtoul(argv[1], NULL, 10) * 256;
    int huge = argc > 2 && !strcmp(argv[2], "huge");
    size_t len = pages * PAGE;
    /* 2 MiB aligned, so that huge pages can back all of it */
    char *raw = mmap(NULL, len + (2ul << 20), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (raw == MAP_FAILED) die("mmap");
    uint64_t *mem = (uint64_t *)(((uintptr_t)raw + (2ul << 20) - 1) & ~((2ul << 20) - 1));
    if (huge && madvise(mem, len, MADV_HUGEPAGE)) die("madvise(MADV_HUGEPAGE)");
    for (size_t p = 0; p < pages; p++) mem[p * (PAGE / 8)] = p + 1;
    printf("%zu MiB%s\n", len >> 20, huge ? ", MADV_HUGEPAGE" : "");
    write_each("plain", mem, pages);
    write_each("plain", mem, pages);

    int uffd = syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK | UFFD_USER_MODE_ONLY);
    if (uffd < 0) die("userfaultfd");
    struct uffdio_api api = {.api = UFFD_API, .features = FEATURE_WP_ASYNC | FEATURE_WP_UNPOPULATED};
    if (ioctl(uffd, UFFDIO_API, &api)) die("UFFDIO_API");
    struct uffdio_register reg = {.range = {(uint64_t)mem, len}, .mode = UFFDIO_REGISTER_MODE_WP};
    if (ioctl(uffd, UFFDIO_REGISTER, &reg)) die("UFFDIO_REGISTER");
    double t0 = now();
    struct uffdio_writeprotect wp = {.range = {(uint64_t)mem, len}, .mode = UFFDIO_WRITEPROTECT_MODE_WP};
    if (ioctl(uffd, UFFDIO_WRITEPROTECT, &wp)) die("UFFDIO_WRITEPROTECT");
    printf("%-12s %8.1f ms  AnonHugePages %ld kB\n", "protect", (now() - t0) * 1e3, huge_kb());
    int pm = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
    if (pm < 0) die("open pagemap");

    write_each("protected", mem, pages);
    scan("scan+wp", pm, mem, pages, PM_SCAN_WP_MATCHING);
    write_each("rescanned", mem, pages);
    scan("scan+wp", pm, mem, pages, PM_SCAN_WP_MATCHING);
    write_each("rescanned", mem, pages);
    scan("scan+wp", pm, mem, pages, PM_SCAN_WP_MATCHING);
    scan("scan+wp", pm, mem, pages, PM_SCAN_WP_MATCHING); /* nothing written: the cost of an empty walk */
    write_each("rescanned", mem, pages);
    scan("scan only", pm, mem, pages, 0);
    write_each("unprotected", mem, pages);
    scan("scan only", pm, mem, pages, 0);
    /* protected again, then unprotected by UFFDIO_WRITEPROTECT without MODE_WP: no faults, all read as written */
    scan("scan+wp", pm, mem, pages, PM_SCAN_WP_MATCHING);
    t0 = now();
    wp.mode = 0;
    if (ioctl(uffd, UFFDIO_WRITEPROTECT, &wp)) die("UFFDIO_WRITEPROTECT (off)");
    printf("%-12s %8.1f ms\n", "unprotect", (now() - t0) * 1e3);
    scan("scan only", pm, mem, pages, 0);
    write_each("unprotected", mem, pages);
    /* a page dropped (MADV_DONTNEED) while protected, and one dropped after being written: read as written? */
    scan("scan+wp", pm, mem, pages, PM_SCAN_WP_MATCHING);
    if (madvise(mem, PAGE, MADV_DONTNEED)) die("madvise");
    mem[2 * (PAGE / 8)]++;
    if (madvise(mem + 2 * (PAGE / 8), PAGE, MADV_DONTNEED)) die("madvise");
    scan("dropped 0,2", pm, mem, 4, PM_SCAN_WP_MATCHING);
    return 0;
}
