/* A worker pool: a mutex- and condvar-protected task queue served by four
 * threads, results collected per task, pthread_join return values, thread-local
 * storage, pthread_once and a barrier. Output depends only on the work, never
 * on which worker ran which task. */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

enum { WORKERS = 4, TASKS = 200 };

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t has_work = PTHREAD_COND_INITIALIZER;
static pthread_cond_t all_done = PTHREAD_COND_INITIALIZER;
static int next_task = 0, queued = 0, finished = 0, shutting_down = 0;
static uint64_t results[TASKS];
static __thread int tasks_done_here;
static pthread_once_t once = PTHREAD_ONCE_INIT;
static int once_count;
static int tls_total; /* sum of every worker's tasks_done_here, under lock */
static pthread_barrier_t barrier;

static void init_once(void)
{
    once_count++;
}

static uint64_t work(int n)
{
    uint64_t a = 0, b = 1;
    for (int i = 0; i < 1000 + n * 10; i++) {
        uint64_t t = a + b;
        a = b;
        b = t ^ (uint64_t)n;
    }
    return b;
}

static void *worker(void *arg)
{
    intptr_t id = (intptr_t)arg;
    pthread_once(&once, init_once);
    pthread_barrier_wait(&barrier);
    for (;;) {
        pthread_mutex_lock(&lock);
        while (next_task == queued && !shutting_down)
            pthread_cond_wait(&has_work, &lock);
        if (next_task == queued && shutting_down) {
            pthread_mutex_unlock(&lock);
            break;
        }
        int task = next_task++;
        pthread_mutex_unlock(&lock);

        uint64_t r = work(task);
        tasks_done_here++;

        pthread_mutex_lock(&lock);
        results[task] = r;
        if (++finished == TASKS)
            pthread_cond_signal(&all_done);
        pthread_mutex_unlock(&lock);
    }
    pthread_mutex_lock(&lock);
    tls_total += tasks_done_here;
    pthread_mutex_unlock(&lock);
    return (void *)(id * 100 + 7);
}

int main(void)
{
    pthread_t threads[WORKERS];
    pthread_barrier_init(&barrier, NULL, WORKERS + 1);
    for (intptr_t i = 0; i < WORKERS; i++)
        if (pthread_create(&threads[i], NULL, worker, (void *)i) != 0) {
            perror("pthread_create");
            return 1;
        }
    pthread_barrier_wait(&barrier);
    printf("all workers passed the barrier; pthread_once ran %d time(s)\n", once_count);

    for (int batch = 0; batch < 4; batch++) {
        pthread_mutex_lock(&lock);
        queued += TASKS / 4;
        pthread_cond_broadcast(&has_work);
        pthread_mutex_unlock(&lock);
    }
    pthread_mutex_lock(&lock);
    while (finished < TASKS)
        pthread_cond_wait(&all_done, &lock);
    shutting_down = 1;
    pthread_cond_broadcast(&has_work);
    pthread_mutex_unlock(&lock);

    for (int i = 0; i < WORKERS; i++) {
        void *ret;
        pthread_join(threads[i], &ret);
        printf("worker %d returned %ld\n", i, (long)(intptr_t)ret);
    }
    uint64_t check = 0;
    for (int i = 0; i < TASKS; i++)
        check = check * 31 + results[i];
    printf("finished=%d checksum=%016llx\n", finished, (unsigned long long)check);
    printf("sum of per-thread counters=%d, main thread's own=%d\n", tls_total, tasks_done_here);
    pthread_barrier_destroy(&barrier);
    return 0;
}
