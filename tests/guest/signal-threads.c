/* Signals waking threads blocked in system calls: nanosleep cut short with
 * EINTR and the time left; sem_wait (a futex wait) and read on a pipe fail
 * with EINTR after a handler without SA_RESTART, and carry on after one with
 * SA_RESTART; a process-directed signal goes to the one thread not blocking
 * it and wakes it; and a handler runs in the thread the signal was sent to. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t handled;
static volatile pid_t handled_in;
static pid_t worker_tid;
static sem_t ready, sem;
static int pipefd[2];

static void on_usr1(int sig)
{
    (void)sig;
    handled++;
    handled_in = gettid();
}

static void install(int restart)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_usr1;
    sa.sa_flags = restart ? SA_RESTART : 0;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGUSR1, &sa, NULL);
}

static void settle(void)
{
    struct timespec d = {0, 80 * 1000 * 1000}; /* let the worker reach its blocking call */
    nanosleep(&d, NULL);
}

static char result[8][160];

static void *worker(void *arg)
{
    (void)arg;
    worker_tid = gettid();
    char c;
    int r, e;

    sem_post(&ready);
    struct timespec ten = {10, 0}, left = {0, 0};
    errno = 0;
    r = nanosleep(&ten, &left);
    e = errno;
    snprintf(result[0], sizeof result[0], "nanosleep = %d (%s), time left in (5s, 10s]: %d", r, strerror(e),
             left.tv_sec >= 5 && left.tv_sec <= 10);

    sem_post(&ready);
    errno = 0;
    r = sem_wait(&sem);
    e = errno;
    snprintf(result[1], sizeof result[1], "sem_wait without SA_RESTART = %d (%s)", r, strerror(e));

    sem_post(&ready);
    errno = 0;
    r = (int)read(pipefd[0], &c, 1);
    e = errno;
    snprintf(result[2], sizeof result[2], "read without SA_RESTART = %d (%s)", r, strerror(e));

    sem_post(&ready); /* main installs SA_RESTART before signalling */
    errno = 0;
    r = sem_wait(&sem);
    e = errno;
    snprintf(result[3], sizeof result[3], "sem_wait with SA_RESTART = %d (%s)", r, strerror(e));

    sem_post(&ready);
    errno = 0;
    r = (int)read(pipefd[0], &c, 1);
    e = errno;
    snprintf(result[4], sizeof result[4], "read with SA_RESTART = %d '%c'", r, r == 1 ? c : '?');

    sem_post(&ready);
    r = (int)read(pipefd[0], &c, 1);
    snprintf(result[5], sizeof result[5], "read after a process-directed signal = %d '%c'", r, r == 1 ? c : '?');
    return NULL;
}

int main(void)
{
    pipe(pipefd);
    sem_init(&ready, 0, 0);
    sem_init(&sem, 0, 0);
    install(0);
    pthread_t t;
    pthread_create(&t, NULL, worker, NULL);

    /* nanosleep, sem_wait, read: interrupted */
    for (int i = 0; i < 3; i++) {
        sem_wait(&ready);
        settle();
        pthread_kill(t, SIGUSR1);
    }
    /* sem_wait, read: restarted, then completed */
    sem_wait(&ready);
    install(1);
    settle();
    pthread_kill(t, SIGUSR1);
    settle();
    sem_post(&sem);

    sem_wait(&ready);
    settle();
    pthread_kill(t, SIGUSR1);
    settle();
    write(pipefd[1], "x", 1);

    /* process-directed: main blocks SIGUSR1, so only the worker can take it */
    sem_wait(&ready);
    sigset_t block;
    sigemptyset(&block);
    sigaddset(&block, SIGUSR1);
    pthread_sigmask(SIG_BLOCK, &block, NULL);
    settle();
    int before = handled;
    kill(getpid(), SIGUSR1);
    settle();
    int woke = handled == before + 1;
    write(pipefd[1], "y", 1);

    pthread_join(t, NULL);
    for (int i = 0; i < 6; i++)
        printf("%s\n", result[i]);
    printf("handlers ran %d times, last in the worker: %d; process-directed one handled while blocked: %d\n", handled,
           handled_in == worker_tid, woke);
    return 0;
}
