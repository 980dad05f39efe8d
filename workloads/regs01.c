/*
 * regs01: register state that only a correct xstate/regset restore keeps.
 * Two threads (main and a worker), each with its own values, loop over a raw nanosleep syscall
 * made from inside one asm block that holds, across the blocking syscall:
 *   - ymm8..ymm15 (all 256 bits; xmm8..xmm15 on a CPU without AVX, chosen at run time),
 *   - four x87 stack registers with 80-bit values that a double cannot hold,
 *   - rbx and r12..r15.
 * A checkpoint almost always finds both threads inside that syscall. After it returns (0, or
 * EINTR when a restore turns the interrupted sleep into EINTR) every register must hold what was
 * loaded. Each thread also sets its own MXCSR (main: FTZ|DAZ and round-toward-zero, worker: FTZ
 * only) and x87 control word, checked every round.
 */
#include "wl.h"
#include <string.h>

struct regs {
    uint64_t vec[8][4];       /* ymm8..15 (xmm8..15 use the low two words) */
    long double x87[4];
    uint64_t gpr[5];          /* rbx, r12, r13, r14, r15 */
};

static int have_avx;

__attribute__((target("avx")))
static long sleep_holding_ymm(const struct regs *in, struct regs *out, const struct timespec *ts) {
    long ret;
    __asm__ volatile(
        "vmovdqu   0(%[in]), %%ymm8\n\t"
        "vmovdqu  32(%[in]), %%ymm9\n\t"
        "vmovdqu  64(%[in]), %%ymm10\n\t"
        "vmovdqu  96(%[in]), %%ymm11\n\t"
        "vmovdqu 128(%[in]), %%ymm12\n\t"
        "vmovdqu 160(%[in]), %%ymm13\n\t"
        "vmovdqu 192(%[in]), %%ymm14\n\t"
        "vmovdqu 224(%[in]), %%ymm15\n\t"
        "fldt 256(%[in])\n\t"
        "fldt 272(%[in])\n\t"
        "fldt 288(%[in])\n\t"
        "fldt 304(%[in])\n\t"
        "mov 320(%[in]), %%rbx\n\t"
        "mov 328(%[in]), %%r12\n\t"
        "mov 336(%[in]), %%r13\n\t"
        "mov 344(%[in]), %%r14\n\t"
        "mov 352(%[in]), %%r15\n\t"
        "syscall\n\t"
        "vmovdqu %%ymm8,    0(%[out])\n\t"
        "vmovdqu %%ymm9,   32(%[out])\n\t"
        "vmovdqu %%ymm10,  64(%[out])\n\t"
        "vmovdqu %%ymm11,  96(%[out])\n\t"
        "vmovdqu %%ymm12, 128(%[out])\n\t"
        "vmovdqu %%ymm13, 160(%[out])\n\t"
        "vmovdqu %%ymm14, 192(%[out])\n\t"
        "vmovdqu %%ymm15, 224(%[out])\n\t"
        "fstpt 304(%[out])\n\t"
        "fstpt 288(%[out])\n\t"
        "fstpt 272(%[out])\n\t"
        "fstpt 256(%[out])\n\t"
        "mov %%rbx, 320(%[out])\n\t"
        "mov %%r12, 328(%[out])\n\t"
        "mov %%r13, 336(%[out])\n\t"
        "mov %%r14, 344(%[out])\n\t"
        "mov %%r15, 352(%[out])\n\t"
        "vzeroupper\n\t"
        : "=a"(ret)
        : "a"((long)SYS_nanosleep), "D"(ts), "S"(0L), [in] "r"(in), [out] "r"(out)
        : "rcx", "r11", "rbx", "r12", "r13", "r14", "r15", "memory",
          "xmm8", "xmm9", "xmm10", "xmm11", "xmm12", "xmm13", "xmm14", "xmm15",
          "st", "st(1)", "st(2)", "st(3)");
    return ret;
}

static long sleep_holding_xmm(const struct regs *in, struct regs *out, const struct timespec *ts) {
    long ret;
    __asm__ volatile(
        "movdqu   0(%[in]), %%xmm8\n\t"
        "movdqu  32(%[in]), %%xmm9\n\t"
        "movdqu  64(%[in]), %%xmm10\n\t"
        "movdqu  96(%[in]), %%xmm11\n\t"
        "movdqu 128(%[in]), %%xmm12\n\t"
        "movdqu 160(%[in]), %%xmm13\n\t"
        "movdqu 192(%[in]), %%xmm14\n\t"
        "movdqu 224(%[in]), %%xmm15\n\t"
        "fldt 256(%[in])\n\t"
        "fldt 272(%[in])\n\t"
        "fldt 288(%[in])\n\t"
        "fldt 304(%[in])\n\t"
        "mov 320(%[in]), %%rbx\n\t"
        "mov 328(%[in]), %%r12\n\t"
        "mov 336(%[in]), %%r13\n\t"
        "mov 344(%[in]), %%r14\n\t"
        "mov 352(%[in]), %%r15\n\t"
        "syscall\n\t"
        "movdqu %%xmm8,    0(%[out])\n\t"
        "movdqu %%xmm9,   32(%[out])\n\t"
        "movdqu %%xmm10,  64(%[out])\n\t"
        "movdqu %%xmm11,  96(%[out])\n\t"
        "movdqu %%xmm12, 128(%[out])\n\t"
        "movdqu %%xmm13, 160(%[out])\n\t"
        "movdqu %%xmm14, 192(%[out])\n\t"
        "movdqu %%xmm15, 224(%[out])\n\t"
        "fstpt 304(%[out])\n\t"
        "fstpt 288(%[out])\n\t"
        "fstpt 272(%[out])\n\t"
        "fstpt 256(%[out])\n\t"
        "mov %%rbx, 320(%[out])\n\t"
        "mov %%r12, 328(%[out])\n\t"
        "mov %%r13, 336(%[out])\n\t"
        "mov %%r14, 344(%[out])\n\t"
        "mov %%r15, 352(%[out])\n\t"
        : "=a"(ret)
        : "a"((long)SYS_nanosleep), "D"(ts), "S"(0L), [in] "r"(in), [out] "r"(out)
        : "rcx", "r11", "rbx", "r12", "r13", "r14", "r15", "memory",
          "xmm8", "xmm9", "xmm10", "xmm11", "xmm12", "xmm13", "xmm14", "xmm15",
          "st", "st(1)", "st(2)", "st(3)");
    return ret;
}

_Static_assert(__builtin_offsetof(struct regs, x87) == 256, "x87 offset");
_Static_assert(__builtin_offsetof(struct regs, gpr) == 320, "gpr offset");

static unsigned get_mxcsr(void) { unsigned v; __asm__ volatile("stmxcsr %0" : "=m"(v)); return v; }
static void set_mxcsr(unsigned v) { __asm__ volatile("ldmxcsr %0" : : "m"(v)); }
static unsigned short get_fpucw(void) { unsigned short v; __asm__ volatile("fnstcw %0" : "=m"(v)); return v; }
static void set_fpucw(unsigned short v) { __asm__ volatile("fldcw %0" : : "m"(v)); }

struct thread_regs {
    const char *name;
    uint64_t seed;
    long sleep_ms;
    unsigned mxcsr;           /* control bits only: the low 6 are sticky exception flags */
    unsigned short fpucw;
    volatile uint64_t rounds;
};

static void fill_regs(struct regs *r, uint64_t seed, uint64_t round) {
    memset(r, 0, sizeof *r);
    int vec_words = have_avx ? 4 : 2;
    for (int i = 0; i < 8; i++)
        for (int j = 0; j < vec_words; j++) r->vec[i][j] = wl_pattern(seed ^ round, (uint64_t)(i * 4 + j));
    for (int i = 0; i < 4; i++)   /* 1 + 2^-60 and friends: not representable as a double */
        r->x87[i] = (1.0L + (long double)(round % 1000 + (uint64_t)i) * 0x1p-60L) * (long double)(i + 1);
    for (int i = 0; i < 5; i++) r->gpr[i] = wl_pattern(seed + 77, round * 5 + (uint64_t)i);
}

static void one_round(struct thread_regs *t) {
    struct regs in, out;
    fill_regs(&in, t->seed, t->rounds);
    memset(&out, 0, sizeof out);
    struct timespec ts = {0, t->sleep_ms * 1000000L};
    long r = have_avx ? sleep_holding_ymm(&in, &out, &ts) : sleep_holding_xmm(&in, &out, &ts);
    if (r != 0 && r != -EINTR) wl_fail("%s: nanosleep returned %ld", t->name, r);
    for (int i = 0; i < 8; i++)
        if (memcmp(in.vec[i], out.vec[i], sizeof in.vec[i]))
            wl_fail("%s: %s%d changed across the syscall: %#llx:%#llx:%#llx:%#llx, expected %#llx:%#llx:%#llx:%#llx", t->name,
                    have_avx ? "ymm" : "xmm", 8 + i,
                    (unsigned long long)out.vec[i][3], (unsigned long long)out.vec[i][2], (unsigned long long)out.vec[i][1], (unsigned long long)out.vec[i][0],
                    (unsigned long long)in.vec[i][3], (unsigned long long)in.vec[i][2], (unsigned long long)in.vec[i][1], (unsigned long long)in.vec[i][0]);
    for (int i = 0; i < 4; i++)
        if (memcmp(&in.x87[i], &out.x87[i], 10)) wl_fail("%s: x87 st(%d) changed across the syscall", t->name, 3 - i);
    static const char *gpr_names[] = {"rbx", "r12", "r13", "r14", "r15"};
    for (int i = 0; i < 5; i++)
        if (in.gpr[i] != out.gpr[i]) wl_fail("%s: %s changed across the syscall: %#llx, expected %#llx", t->name, gpr_names[i],
                                             (unsigned long long)out.gpr[i], (unsigned long long)in.gpr[i]);
    if ((get_mxcsr() & ~0x3fu) != t->mxcsr) wl_fail("%s: MXCSR is %#x, expected %#x (+flags)", t->name, get_mxcsr(), t->mxcsr);
    if ((get_fpucw() & 0x0f3f) != (t->fpucw & 0x0f3f)) wl_fail("%s: x87 control word is %#x, expected %#x", t->name, get_fpucw(), t->fpucw);
    __atomic_add_fetch(&t->rounds, 1, __ATOMIC_RELEASE);
}

static void start_regs(struct thread_regs *t) {
    set_mxcsr(t->mxcsr);
    set_fpucw(t->fpucw);
}

static struct thread_regs main_regs = {"main", 0x3A1, WL_TICK_MS, 0x1f80 | 0x8000 | 0x0040 | 0x6000, 0x067f, 0};
static struct thread_regs worker_regs = {"worker", 0x3A2, 20, 0x1f80 | 0x8000, 0x037f & ~0x0300, 0};

static void *worker_main(void *arg) {
    (void)arg;
    start_regs(&worker_regs);
    for (;;) one_round(&worker_regs);
    return NULL;
}

int main(void) {
    __builtin_cpu_init();
    /* REGS01_SSE_ONLY=1 exercises the path taken on CPUs without AVX */
    have_avx = __builtin_cpu_supports("avx") && !getenv("REGS01_SSE_ONLY");
    pthread_t worker;
    if (pthread_create(&worker, NULL, worker_main, NULL)) wl_fail("pthread_create");
    start_regs(&main_regs);
    for (;;) {
        uint64_t seen = __atomic_load_n(&worker_regs.rounds, __ATOMIC_ACQUIRE);
        one_round(&main_regs); /* this round's syscall is the tick's sleep */
        wl_wait_change(&worker_regs.rounds, seen, "worker thread");
        wl_tick();
    }
}
