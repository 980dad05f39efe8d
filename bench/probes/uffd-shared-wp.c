/* bench/probes/uffd-shared-wp.c: does async userfaultfd write-protection of a MAP_SHARED area, registered in
 * one process, see writes made through another process's mapping of the same object? (Shared anonymous and
 * memfd.) Build and run by hand: gcc -O2 -o /tmp/uffd-shared-wp bench/probes/uffd-shared-wp.c && /tmp/uffd-shared-wp
 * Measured on 6.18: no; only the registering process's own write is reported (see bench/RESULTS.md). */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <linux/userfaultfd.h>
#define PG 4096
#define NP 16
struct pm_scan_arg { uint64_t size, flags, start, end, walk_end, vec, vec_len, max_pages, inv, mask, anyof, ret; };
struct region { uint64_t start, end, cat; };
#define PAGEMAP_SCAN _IOWR('f', 16, struct pm_scan_arg)
static void scan(const char *what, char *a) {
    struct region r[64];
    struct pm_scan_arg s = { sizeof s, 1 | 2, (uint64_t)a, (uint64_t)a + NP * PG, 0, (uint64_t)r, 64, 0, 0, 2, 0, 2 };
    long n = ioctl(open("/proc/self/pagemap", O_RDONLY), PAGEMAP_SCAN, &s);
    printf("%s: %ld regions:", what, n);
    for (long i = 0; i < n; i++) printf(" pages %lu-%lu", (r[i].start - (uint64_t)a) / PG, (r[i].end - (uint64_t)a) / PG - 1);
    printf("\n");
}
static void run(const char *kind, char *a) {
    for (int i = 0; i < NP; i++) a[i * PG] = 1;
    int uffd = syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK);
    struct uffdio_api api = { UFFD_API, (1ull << 15) | (1ull << 13) | (1ull << 12) };
    if (ioctl(uffd, UFFDIO_API, &api)) { perror("api"); exit(1); }
    struct uffdio_register reg = { { (uint64_t)a, NP * PG }, UFFDIO_REGISTER_MODE_WP };
    if (ioctl(uffd, UFFDIO_REGISTER, &reg)) { perror("register"); exit(1); }
    struct uffdio_writeprotect wp = { { (uint64_t)a, NP * PG }, UFFDIO_WRITEPROTECT_MODE_WP };
    if (ioctl(uffd, UFFDIO_WRITEPROTECT, &wp)) { perror("wp"); exit(1); }
    printf("== %s\n", kind);
    scan("after protect", a);
    pid_t c = fork(); /* the child maps the same object (inherited); it is not registered there */
    if (c == 0) { a[3 * PG] = 2; a[9 * PG + 100] = 3; _exit(0); }
    waitpid(c, NULL, 0);
    a[5 * PG] = 4; /* and one write of our own */
    scan("child wrote 3 and 9, we wrote 5", a);
    printf("content: page3=%d page9=%d page5=%d\n", a[3 * PG], a[9 * PG + 100], a[5 * PG]);
    close(uffd);
}
int main(void) {
    run("MAP_SHARED|MAP_ANONYMOUS", mmap(NULL, NP * PG, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0));
    int fd = memfd_create("p", 0); ftruncate(fd, NP * PG);
    run("memfd MAP_SHARED", mmap(NULL, NP * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0));
    return 0;
}
