/* The A extension through C11 atomics: every read-modify-write on 8, 16, 32
 * and 64-bit objects (the narrow ones become masked LR/SC loops), CAS success
 * and failure, and a multi-threaded fetch_add. */
#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>

#define SHOW(type, fmt, init)                                                                           \
    do {                                                                                                \
        _Atomic type v = (type)(init);                                                                  \
        type o1 = atomic_fetch_add(&v, (type)0x11);                                                     \
        type o2 = atomic_fetch_sub(&v, (type)0x3);                                                      \
        type o3 = atomic_fetch_and(&v, (type)0xf0f0f0f0f0f0f0f0ull);                                    \
        type o4 = atomic_fetch_or(&v, (type)0x0101010101010101ull);                                     \
        type o5 = atomic_fetch_xor(&v, (type)0xffffffffffffffffull);                                    \
        type o6 = atomic_exchange(&v, (type)0x5a);                                                      \
        type expected = (type)0x5b;                                                                     \
        int ok1 = atomic_compare_exchange_strong(&v, &expected, (type)0x77);                            \
        int ok2 = atomic_compare_exchange_strong(&v, &expected, (type)0x77);                            \
        printf("%-8s " fmt " " fmt " " fmt " " fmt " " fmt " " fmt " cas=%d,%d final=" fmt "\n", #type, \
               o1, o2, o3, o4, o5, o6, ok1, ok2, atomic_load(&v));                                      \
    } while (0)

static _Atomic uint64_t shared64;
static _Atomic uint16_t shared16;
static _Atomic int32_t minimum = INT32_MAX;

static void *adder(void *arg)
{
    int id = (int)(intptr_t)arg;
    for (int i = 0; i < 10000; i++) {
        atomic_fetch_add(&shared64, 3);
        atomic_fetch_add(&shared16, 1);
        int32_t candidate = 1000000 - (id * 10000 + i), cur = atomic_load(&minimum);
        while (candidate < cur && !atomic_compare_exchange_weak(&minimum, &cur, candidate))
            ;
    }
    return NULL;
}

int main(void)
{
    SHOW(uint8_t, "%02x", 0xf8);
    SHOW(int16_t, "%d", -1000);
    SHOW(uint32_t, "%08x", 0xfffffff0u);
    SHOW(int64_t, "%" PRId64, -5);
    SHOW(uint64_t, "%016" PRIx64, 0x7ffffffffffffff0ull);

    pthread_t t[4];
    for (int i = 0; i < 4; i++)
        pthread_create(&t[i], NULL, adder, (void *)(intptr_t)i);
    for (int i = 0; i < 4; i++)
        pthread_join(t[i], NULL);
    printf("threads: shared64=%llu shared16=%u minimum=%d\n", (unsigned long long)atomic_load(&shared64),
           (unsigned)atomic_load(&shared16), atomic_load(&minimum));
    atomic_thread_fence(memory_order_seq_cst);
    printf("lock-free: 1=%d 2=%d 4=%d 8=%d\n", atomic_is_lock_free(&(_Atomic uint8_t){0}),
           atomic_is_lock_free(&shared16), atomic_is_lock_free(&minimum), atomic_is_lock_free(&shared64));
    return 0;
}
