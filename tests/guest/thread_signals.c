/* Signals and threads: pthread_kill delivers to the chosen thread, a
 * per-thread signal mask steers a process-directed signal to the one thread
 * that has it unblocked, and finally a worker thread calls exit(3) while the
 * main thread is still blocked, which must end the whole process with status 3. */
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static volatile pid_t handled_in;
static volatile sig_atomic_t handled;
static pid_t worker_tid;
static pthread_barrier_t ready, go_on;

static void on_usr1(int sig)
{
    (void)sig;
    handled_in = gettid();
    handled++;
}

static void *worker(void *arg)
{
    (void)arg;
    worker_tid = gettid();
    sigset_t unblock;
    sigemptyset(&unblock);
    sigaddset(&unblock, SIGUSR1);
    pthread_sigmask(SIG_UNBLOCK, &unblock, NULL); /* the only thread accepting SIGUSR1 */
    pthread_barrier_wait(&ready);
    while (handled < 1)
        usleep(1000);
    pthread_barrier_wait(&go_on);
    while (handled < 2)
        usleep(1000);
    pthread_barrier_wait(&go_on);
    pthread_barrier_wait(&go_on); /* main is about to block forever */
    printf("worker calls exit(3)\n");
    fflush(stdout);
    exit(3);
}

int main(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_usr1;
    sigaction(SIGUSR1, &sa, NULL);
    sigset_t block;
    sigemptyset(&block);
    sigaddset(&block, SIGUSR1);
    pthread_sigmask(SIG_BLOCK, &block, NULL); /* inherited by the worker, which unblocks it */

    pthread_barrier_init(&ready, NULL, 2);
    pthread_barrier_init(&go_on, NULL, 2);
    pthread_t t;
    pthread_create(&t, NULL, worker, NULL);
    pthread_barrier_wait(&ready);

    pthread_kill(t, SIGUSR1);
    pthread_barrier_wait(&go_on);
    printf("pthread_kill: handled=%d in the worker=%d\n", handled, handled_in == worker_tid);

    kill(getpid(), SIGUSR1); /* process-directed: only the worker can take it */
    pthread_barrier_wait(&go_on);
    printf("kill(getpid()): handled=%d in the worker=%d\n", handled, handled_in == worker_tid);
    fflush(stdout);

    pthread_barrier_wait(&go_on);
    pthread_join(t, NULL); /* never returns: the worker exits the process */
    printf("unreachable\n");
    return 0;
}
