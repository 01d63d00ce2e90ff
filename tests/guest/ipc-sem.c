/* System V semaphores between processes: a mutex whose holder dies and
   SEM_UNDO gives it back, GETVAL/GETPID/GETNCNT/GETZCNT seen while another
   process waits, SETVAL/SETALL/GETALL, all-or-nothing groups of operations,
   IPC_NOWAIT (EAGAIN), semtimedop timing out (EAGAIN) and rejecting a bad
   timeout (EINVAL), ERANGE, EFBIG, E2BIG, a waiting semop cut short by a
   signal (EINTR) and by IPC_RMID (EIDRM). Only one process prints at a time;
   no ids or pids are printed. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <sys/ipc.h>
#include <sys/sem.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *err(int e) {
  switch (e) {
  case EINTR: return "EINTR"; case EIDRM: return "EIDRM"; case EAGAIN: return "EAGAIN"; case EINVAL: return "EINVAL";
  case ERANGE: return "ERANGE"; case EFBIG: return "EFBIG"; case E2BIG: return "E2BIG"; case EACCES: return "EACCES";
  case EFAULT: return "EFAULT";
  default: return strerror(e);
  }
}

static int op(int s, unsigned short num, short delta, short flags) {
  struct sembuf b = { num, delta, flags };
  return semop(s, &b, 1);
}

static void result(const char *what, int r) {
  if (r < 0) printf("%s: %s\n", what, err(errno));
  else printf("%s: %d\n", what, r);
}

static void values(int s) {
  unsigned short v[2];
  semctl(s, 0, GETALL, v);
  printf("values %u %u\n", v[0], v[1]);
}

static void reap(void) {
  int st;
  wait(&st);
  if (WIFEXITED(st)) printf("child exit %d\n", WEXITSTATUS(st));
  else printf("child killed by %d\n", WTERMSIG(st));
}

/* Waits (polling) until `n` processes wait on semaphore `num` with `cmd` (GETNCNT or GETZCNT). */
static void await_waiters(int s, int num, int cmd, int n) {
  for (int i = 0; i < 500 && semctl(s, num, cmd) != n; i++) usleep(10000);
}

static void on_usr1(int sig) { (void)sig; }

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_usr1;
  sigaction(SIGUSR1, &sa, NULL);

  int s = semget(IPC_PRIVATE, 2, IPC_CREAT | 0600);
  if (s < 0) { printf("semget: %s\n", err(errno)); return 1; }
  struct semid_ds ds;
  semctl(s, 0, IPC_STAT, &ds);
  printf("IPC_STAT: nsems %lu mode %o\n", (unsigned long)ds.sem_nsems, ds.sem_perm.mode & 0777);
  values(s);
  result("SETVAL 0 = 1", semctl(s, 0, SETVAL, 1));
  result("GETPID is me", semctl(s, 0, GETPID) == getpid());

  /* A mutex: the child takes it with SEM_UNDO and dies holding it; the parent, waiting, gets it. */
  int ready[2], go[2];
  pipe(ready);
  pipe(go);
  char x;
  pid_t c = fork();
  if (c == 0) {
    op(s, 0, -1, SEM_UNDO);
    write(ready[1], "x", 1);
    read(go[0], &x, 1);
    await_waiters(s, 0, GETNCNT, 1);
    printf("child: holding, GETVAL %d GETNCNT %d\n", semctl(s, 0, GETVAL), semctl(s, 0, GETNCNT));
    _exit(0);
  }
  read(ready[0], &x, 1);
  result("parent IPC_NOWAIT while held", op(s, 0, -1, IPC_NOWAIT));
  struct timespec ts = { 0, 50000000 };
  struct sembuf down = { 0, -1, SEM_UNDO };
  result("parent semtimedop 50 ms while held", semtimedop(s, &down, 1, &ts));
  write(go[1], "x", 1);
  result("parent semop (waits for the holder to die)", semop(s, &down, 1));
  reap();
  result("GETVAL", semctl(s, 0, GETVAL));
  result("GETNCNT", semctl(s, 0, GETNCNT));
  result("GETPID is me", semctl(s, 0, GETPID) == getpid());
  result("release", op(s, 0, 1, SEM_UNDO));

  /* SEM_UNDO of an increment, GETZCNT with a child waiting for zero. */
  if (fork() == 0) { op(s, 1, 5, SEM_UNDO); _exit(0); }
  reap();
  values(s);
  result("SETVAL 1 = 2", semctl(s, 1, SETVAL, 2));
  if (fork() == 0) {
    result("child wait for zero", op(s, 1, 0, 0));
    _exit(0);
  }
  await_waiters(s, 1, GETZCNT, 1);
  result("GETZCNT", semctl(s, 1, GETZCNT));
  int down2 = op(s, 1, -2, 0);
  reap();
  result("down 1 by 2", down2);

  /* Groups: all or nothing. */
  unsigned short set[2] = { 3, 5 };
  result("SETALL 3 5", semctl(s, 0, SETALL, set));
  struct sembuf two[2] = { { 0, -1, IPC_NOWAIT }, { 1, -10, IPC_NOWAIT } };
  result("group -1 -10", semop(s, two, 2));
  values(s);
  two[1].sem_op = -5;
  result("group -1 -5", semop(s, two, 2));
  values(s);
  struct sembuf same[2] = { { 0, 2, 0 }, { 0, -2, 0 } };
  result("group +2 -2 on one", semop(s, same, 2));
  values(s);

  /* Errors. */
  result("SETVAL 40000", semctl(s, 0, SETVAL, 40000));
  result("SETVAL -1", semctl(s, 0, SETVAL, -1));
  set[0] = 40000;
  result("SETALL 40000", semctl(s, 0, SETALL, set));
  result("GETVAL 2", semctl(s, 2, GETVAL));
  result("op +32767", op(s, 0, 32767, 0));
  result("op on 7", op(s, 7, 1, 0));
  result("semop 0 ops", semop(s, two, 0));
  static struct sembuf many[501];
  result("semop 501 ops", semop(s, many, 501));
  struct timespec bad = { 0, 2000000000 };
  result("semtimedop bad timeout", semtimedop(s, &down, 1, &bad));
  result("semop bad pointer", semop(s, (struct sembuf *)8, 1));
  result("semctl bad cmd", semctl(s, 0, 99));
  result("semget of 0 semaphores", semget(IPC_PRIVATE, 0, 0600) < 0 ? -1 : 0);
  struct timespec zero = { 0, 0 };
  struct sembuf down1 = { 1, -1, 0 };
  result("semtimedop zero timeout", semtimedop(s, &down1, 1, &zero));
  result("SETVAL 0 = 0", semctl(s, 0, SETVAL, 0));

  /* A signal ends a wait with EINTR, IPC_RMID ends one with EIDRM. */
  c = fork();
  if (c == 0) { result("child waiting semop", op(s, 0, -1, 0)); _exit(0); }
  await_waiters(s, 0, GETNCNT, 1);
  kill(c, SIGUSR1);
  reap();
  if (fork() == 0) { result("child waiting semop", op(s, 0, -1, 0)); _exit(0); }
  await_waiters(s, 0, GETNCNT, 1);
  int rmid = semctl(s, 0, IPC_RMID);
  reap();
  result("IPC_RMID", rmid);
  result("GETVAL after IPC_RMID", semctl(s, 0, GETVAL));
  return 0;
}
