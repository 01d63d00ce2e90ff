/* Code that changes under a hot loop: rewritten in place many times while a
 * loop keeps calling it; a code page unmapped and replaced by another at the
 * same address; and one thread rewriting the function another thread is
 * calling in a loop. Each rewrite is followed by __builtin___clear_cache, as
 * the ISA requires; the caller must then run the new code, never the old. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#define ADDI(rd, rs1, imm) ((uint32_t)((imm) & 0xfff) << 20 | (rs1) << 15 | (rd) << 7 | 0x13)
#define RET 0x00008067u
typedef long (*fn)(long);

/* f(a0) = a0 + k */
static void emit_add(uint32_t *code, int k)
{
    code[0] = ADDI(10, 10, k);
    code[1] = RET;
    __builtin___clear_cache((char *)code, (char *)(code + 2));
}

static uint32_t *shared_code;
static atomic_int calls, rewritten;

static void *rewriter(void *arg)
{
    (void)arg;
    while (atomic_load(&calls) < 20000) {}
    emit_add(shared_code, 2);
    atomic_store(&rewritten, 1);
    return 0;
}

int main(void)
{
    uint32_t *code = mmap(0, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (code == MAP_FAILED) { perror("mmap"); return 1; }

    /* 1. Rewritten in place inside a hot loop. */
    long sum = 0;
    for (int i = 0; i < 3000; i++) {
        if (i % 100 == 0) emit_add(code, i / 100);
        sum = ((fn)code)(sum);
    }
    printf("in-place rewrites: sum %ld\n", sum);

    /* 2. The page unmapped and another mapped at the same address. */
    emit_add(code, 1);
    long a = 0;
    for (int i = 0; i < 5000; i++) a = ((fn)code)(a);
    munmap(code, 4096);
    uint32_t *again = mmap(code, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    emit_add(again, 7);
    long b = 0;
    for (int i = 0; i < 5000; i++) b = ((fn)again)(b);
    printf("remapped: same address %d, before %ld, after %ld\n", again == code, a, b);

    /* 3. Another thread rewrites the code this one is calling. */
    shared_code = again;
    emit_add(shared_code, 1);
    pthread_t t;
    pthread_create(&t, 0, rewriter, 0);
    long r = 0;
    for (;;) {
        r = ((fn)shared_code)(0);
        atomic_fetch_add(&calls, 1);
        if (atomic_load(&rewritten) && r == 2) break;
        if (r != 1 && r != 2) break;
    }
    pthread_join(t, 0);
    printf("threads: the caller saw the rewrite, f(0) = %ld\n", r);
    return 0;
}
