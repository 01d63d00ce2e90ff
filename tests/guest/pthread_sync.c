/* Synchronisation: a strict ping-pong between two threads over a condition
 * variable, contended mutex and atomic counters, a reader-writer lock, a
 * spin lock built on compare-and-swap, and pthread_detach/self/equal. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

enum { ROUNDS = 500, THREADS = 4, INCREMENTS = 20000 };

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int turn = 0; /* 0: ping's turn, 1: pong's turn */
static char trace[64];
static int trace_len;

static void *pong(void *arg)
{
    (void)arg;
    for (int i = 0; i < ROUNDS; i++) {
        pthread_mutex_lock(&m);
        while (turn != 1)
            pthread_cond_wait(&cv, &m);
        if (trace_len < 20)
            trace[trace_len++] = 'o';
        turn = 0;
        pthread_cond_signal(&cv);
        pthread_mutex_unlock(&m);
    }
    return NULL;
}

static long plain_counter;
static atomic_long atomic_counter;
static atomic_int spin;
static long spin_counter;
static pthread_rwlock_t rw = PTHREAD_RWLOCK_INITIALIZER;
static long shared_value;
static long reads_consistent = 1;

static void *hammer(void *arg)
{
    (void)arg;
    for (int i = 0; i < INCREMENTS; i++) {
        pthread_mutex_lock(&m);
        plain_counter++;
        pthread_mutex_unlock(&m);
        atomic_fetch_add_explicit(&atomic_counter, 1, memory_order_relaxed);

        int expected = 0;
        while (!atomic_compare_exchange_weak_explicit(&spin, &expected, 1, memory_order_acquire, memory_order_relaxed))
            expected = 0;
        spin_counter++;
        atomic_store_explicit(&spin, 0, memory_order_release);

        if (i % 100 == 0) {
            pthread_rwlock_wrlock(&rw);
            shared_value += 2;
            pthread_rwlock_unlock(&rw);
        } else if (i % 10 == 0) {
            pthread_rwlock_rdlock(&rw);
            if (shared_value % 2 != 0)
                reads_consistent = 0;
            pthread_rwlock_unlock(&rw);
        }
    }
    return NULL;
}

static void *detached(void *arg)
{
    atomic_fetch_add((atomic_int *)arg, 1);
    return NULL;
}

int main(void)
{
    pthread_t t;
    pthread_create(&t, NULL, pong, NULL);
    for (int i = 0; i < ROUNDS; i++) {
        pthread_mutex_lock(&m);
        while (turn != 0)
            pthread_cond_wait(&cv, &m);
        if (trace_len < 20)
            trace[trace_len++] = 'i';
        turn = 1;
        pthread_cond_signal(&cv);
        pthread_mutex_unlock(&m);
    }
    pthread_join(t, NULL);
    printf("ping-pong trace starts %s (%d rounds)\n", trace, ROUNDS);

    pthread_t hs[THREADS];
    for (int i = 0; i < THREADS; i++)
        pthread_create(&hs[i], NULL, hammer, NULL);
    for (int i = 0; i < THREADS; i++)
        pthread_join(hs[i], NULL);
    printf("mutex counter=%ld atomic counter=%ld spin counter=%ld\n", plain_counter, atomic_load(&atomic_counter), spin_counter);
    printf("rwlock value=%ld reads consistent=%ld\n", shared_value, reads_consistent);

    static atomic_int ran;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    pthread_attr_setstacksize(&attr, 256 * 1024);
    for (int i = 0; i < 3; i++)
        pthread_create(&t, &attr, detached, &ran);
    pthread_attr_destroy(&attr);
    while (atomic_load(&ran) < 3)
        sched_yield();
    printf("detached threads ran=%d\n", atomic_load(&ran));
    printf("pthread_equal(self, self)=%d\n", pthread_equal(pthread_self(), pthread_self()) != 0);

    pthread_mutexattr_t ma;
    pthread_mutex_t rec;
    pthread_mutexattr_init(&ma);
    pthread_mutexattr_settype(&ma, PTHREAD_MUTEX_RECURSIVE);
    pthread_mutex_init(&rec, &ma);
    int r1 = pthread_mutex_lock(&rec), r2 = pthread_mutex_lock(&rec);
    pthread_mutex_unlock(&rec);
    pthread_mutex_unlock(&rec);
    printf("recursive mutex locked twice: %d %d\n", r1, r2);
    pthread_mutex_t errcheck;
    pthread_mutexattr_settype(&ma, PTHREAD_MUTEX_ERRORCHECK);
    pthread_mutex_init(&errcheck, &ma);
    pthread_mutex_lock(&errcheck);
    int again = pthread_mutex_lock(&errcheck);
    printf("error-checking mutex relock: %s\n", strerror(again));
    printf("trylock while held: %s\n", strerror(pthread_mutex_trylock(&errcheck)));
    pthread_mutex_unlock(&errcheck);
    return 0;
}
