/*
 * mem01: every kind of memory area a process has, each holding a pattern a broken restore would
 * corrupt, all checked on every tick:
 *   - malloc'd heap: 200 small chunks (main arena, brk) and two large ones (glibc mmaps them);
 *   - a 64 KiB array on main's stack;
 *   - anonymous mmaps: a read-write area whose pages are rewritten with new versions as it runs
 *     (dirty tracking), a PROT_NONE guard area, and a read-only area written before mprotect;
 *   - two MAP_PRIVATE mappings of our own executable: one written (its pages are COW copies now)
 *     and one never written (still the file's pages);
 *   - the program break grown with sbrk (checked against the kernel's brk, and grown and shrunk
 *     again every 10 ticks so a restored brk must be usable, not just readable);
 *   - an area moved with mremap to an address we chose (its old place must stay unmapped).
 * Areas are also looked up in /proc/self/maps with their permissions. After setup the program
 * never calls malloc (stdout has a static buffer), so the kernel's brk must never move by itself.
 */
#include "wl.h"
#include <sys/mman.h>
#include <sys/stat.h>

#define PAGE 4096ul
#define NSMALL 200
#define RW_SIZE (1ul << 20)
#define GUARD_SIZE (64ul << 10)
#define RO_SIZE (128ul << 10)
#define BRK_SIZE (256ul << 10)
#define MOVED_SIZE (256ul << 10)
#define STACK_WORDS 8192

static char stdout_buf[8192];
static char maps[1 << 17];

static uint64_t *small[NSMALL];
static size_t small_size[NSMALL];
static uint64_t *large1, *large2;
static uint64_t *rw, *ro, *brk_area, *moved;
static void *guard, *moved_from;
static uint32_t rw_version[RW_SIZE / PAGE];
static unsigned char *exe_copy, *map_clean, *map_cow;
static size_t exe_len;
static uintptr_t brk_end;

/* Permissions of the VMA holding [addr, addr+len), from the maps text; "" if not mapped whole. */
static const char *perms_of(const void *addr, size_t len, char out[5]) {
    uintptr_t a = (uintptr_t)addr;
    out[0] = 0;
    for (char *line = maps; *line;) {
        unsigned long start, end;
        char p[5];
        if (sscanf(line, "%lx-%lx %4s", &start, &end, p) == 3 && start <= a && a < end) {
            if (a + len <= end) memcpy(out, p, 5);
            return out;
        }
        char *nl = strchr(line, '\n');
        if (!nl) break;
        line = nl + 1;
    }
    return out;
}

static void expect_perms(const char *what, const void *addr, size_t len, const char *want) {
    char got[5];
    perms_of(addr, len, got);
    if (strcmp(got, want)) wl_fail("%s at %p: perms '%s' in /proc/self/maps, expected '%s'", what, addr, got, want);
}

static uint64_t rw_seed(size_t page) { return 0xA11CE ^ ((uint64_t)rw_version[page] << 32) ^ page; }

static void check_all(const uint64_t *stack_arr) {
    char what[64];
    for (int i = 0; i < NSMALL; i++) {
        snprintf(what, sizeof what, "small chunk %d", i);
        wl_expect_pattern(what, small[i], small_size[i], 0x5000 + i);
    }
    wl_expect_pattern("large chunk 8 MiB", large1, 8ul << 20, 0x1A26E1);
    wl_expect_pattern("large chunk 300 KiB", large2, 300ul << 10, 0x1A26E2);
    wl_expect_pattern("stack array", stack_arr, STACK_WORDS * 8, 0x57AC);
    for (size_t p = 0; p < RW_SIZE / PAGE; p++) {
        snprintf(what, sizeof what, "rw mmap page %zu version %u", p, rw_version[p]);
        wl_expect_pattern(what, rw + p * PAGE / 8, PAGE, rw_seed(p));
    }
    wl_expect_pattern("read-only mmap", ro, RO_SIZE, 0x2EAD);
    wl_expect_pattern("sbrk area", brk_area, BRK_SIZE, 0xB2C);
    wl_expect_pattern("mremap'd area", moved, MOVED_SIZE, 0x30FED);

    if (memcmp(map_clean, exe_copy, exe_len)) wl_fail("unwritten MAP_PRIVATE file mapping differs from the file");
    for (size_t p = 0; p < exe_len / PAGE; p++) {
        if (p % 2 == 0) {
            snprintf(what, sizeof what, "COW page %zu of the written file mapping", p);
            wl_expect_pattern(what, map_cow + p * PAGE, PAGE, 0xC0C0 + p);
        } else if (memcmp(map_cow + p * PAGE, exe_copy + p * PAGE, PAGE)) {
            wl_fail("written MAP_PRIVATE file mapping: unwritten page %zu differs from the file", p);
        }
    }

    uintptr_t kbrk = (uintptr_t)syscall(SYS_brk, 0);
    if (kbrk != brk_end) wl_fail("kernel brk is %#lx, expected %#lx", (unsigned long)kbrk, (unsigned long)brk_end);

    wl_read_file("/proc/self/maps", maps, sizeof maps);
    expect_perms("rw mmap", rw, RW_SIZE, "rw-p");
    expect_perms("PROT_NONE guard", guard, GUARD_SIZE, "---p");
    expect_perms("read-only mmap", ro, RO_SIZE, "r--p");
    expect_perms("unwritten file mapping", map_clean, exe_len, "r--p");
    expect_perms("written file mapping", map_cow, exe_len, "rw-p");
    expect_perms("sbrk area", brk_area, BRK_SIZE, "rw-p");
    expect_perms("mremap'd area", moved, MOVED_SIZE, "rw-p");
    char got[5];
    if (perms_of(moved_from, PAGE, got)[0]) wl_fail("old place of the mremap'd area %p is mapped again (%s)", moved_from, got);
}

/* Grow the break by a page, use it, shrink it back: a restored brk must work, not only read back. */
static void exercise_brk(void) {
    uint64_t *page = sbrk(PAGE);
    if (page == (void *)-1) wl_fail("sbrk(+4096): %s", strerror(errno));
    if ((uintptr_t)page != brk_end) wl_fail("sbrk grew from %p, expected %#lx", (void *)page, (unsigned long)brk_end);
    wl_fill(page, PAGE / 8, 0xB2D);
    wl_expect_pattern("new brk page", page, PAGE, 0xB2D);
    if (sbrk(-(intptr_t)PAGE) == (void *)-1) wl_fail("sbrk(-4096): %s", strerror(errno));
    if ((uintptr_t)syscall(SYS_brk, 0) != brk_end) wl_fail("brk did not shrink back");
}

static void *map_anon(size_t len, int prot) {
    void *p = mmap(NULL, len, prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) wl_fail("mmap %zu: %s", len, strerror(errno));
    return p;
}

static void map_executable(void) {
    int fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st)) wl_fail("open /proc/self/exe: %s", strerror(errno));
    exe_len = ((size_t)st.st_size / PAGE) * PAGE;
    if (exe_len > 16 * PAGE) exe_len = 16 * PAGE;
    if (exe_len < 3 * PAGE) wl_fail("executable too small to map (%zu bytes)", (size_t)st.st_size);
    exe_copy = malloc(exe_len);
    if (!exe_copy || pread(fd, exe_copy, exe_len, 0) != (ssize_t)exe_len) wl_fail("read /proc/self/exe");
    map_clean = mmap(NULL, exe_len, PROT_READ, MAP_PRIVATE, fd, 0);
    map_cow = mmap(NULL, exe_len, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    if (map_clean == MAP_FAILED || map_cow == MAP_FAILED) wl_fail("mmap executable: %s", strerror(errno));
    close(fd); /* the mappings keep the file */
    for (size_t p = 0; p < exe_len / PAGE; p += 2) wl_fill((uint64_t *)(map_cow + p * PAGE), PAGE / 8, 0xC0C0 + p);
}

int main(void) {
    setvbuf(stdout, stdout_buf, _IOFBF, sizeof stdout_buf);
    uint64_t stack_arr[STACK_WORDS];
    wl_fill(stack_arr, STACK_WORDS, 0x57AC);

    for (int i = 0; i < NSMALL; i++) {
        small_size[i] = 16 + (size_t)(i * 37 % 4000) / 8 * 8;
        small[i] = malloc(small_size[i]);
        if (!small[i]) wl_fail("malloc");
        wl_fill(small[i], small_size[i] / 8, 0x5000 + i);
    }
    large1 = malloc(8ul << 20);
    large2 = malloc(300ul << 10);
    if (!large1 || !large2) wl_fail("malloc large");
    wl_fill(large1, (8ul << 20) / 8, 0x1A26E1);
    wl_fill(large2, (300ul << 10) / 8, 0x1A26E2);

    rw = map_anon(RW_SIZE, PROT_READ | PROT_WRITE);
    for (size_t p = 0; p < RW_SIZE / PAGE; p++) wl_fill(rw + p * PAGE / 8, PAGE / 8, rw_seed(p));
    guard = map_anon(GUARD_SIZE, PROT_NONE);
    ro = map_anon(RO_SIZE, PROT_READ | PROT_WRITE);
    wl_fill(ro, RO_SIZE / 8, 0x2EAD);
    if (mprotect(ro, RO_SIZE, PROT_READ)) wl_fail("mprotect: %s", strerror(errno));
    map_executable();

    /* moved area: reserve a destination, then move a filled area onto it */
    uint64_t *src = map_anon(MOVED_SIZE, PROT_READ | PROT_WRITE);
    wl_fill(src, MOVED_SIZE / 8, 0x30FED);
    void *dest = map_anon(MOVED_SIZE + PAGE, PROT_NONE); /* + a page so it cannot merge with src */
    moved = mremap(src, MOVED_SIZE, MOVED_SIZE, MREMAP_MAYMOVE | MREMAP_FIXED, (char *)dest + PAGE);
    if (moved == MAP_FAILED) wl_fail("mremap: %s", strerror(errno));
    moved_from = src;

    /* last: no malloc may follow, or it could move the break */
    brk_area = sbrk(BRK_SIZE);
    if (brk_area == (void *)-1) wl_fail("sbrk: %s", strerror(errno));
    wl_fill(brk_area, BRK_SIZE / 8, 0xB2C);
    brk_end = (uintptr_t)syscall(SYS_brk, 0);

    for (;;) {
        size_t dirty = (size_t)(wl_tick_count * 31) % (RW_SIZE / PAGE);
        rw_version[dirty]++;
        wl_fill(rw + dirty * PAGE / 8, PAGE / 8, rw_seed(dirty));
        if (wl_tick_count % 10 == 0) exercise_brk();
        check_all(stack_arr);
        wl_tick();
        wl_sleep_ms(WL_TICK_MS);
    }
}
