/* System V shared memory: a counter in a segment incremented by a parent and
   a forked child under a semaphore, shm_nattch as attaches, forks, exits and
   shmdt change it, two attaches of one segment seeing the same bytes, shmat
   at a chosen address (SHM_RND, EINVAL when unaligned or taken), SHM_RDONLY,
   keys from ftok with IPC_CREAT|IPC_EXCL (EEXIST, ENOENT, EINVAL for a size
   too large), IPC_RMID while attached (SHM_DEST, the data still there, gone
   with the last detach), shmdt errors, and the permission checks of all three
   families for another user (EACCES, EPERM). No ids, pids or addresses are
   printed. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *err(int e) {
  switch (e) {
  case EINVAL: return "EINVAL"; case EEXIST: return "EEXIST"; case ENOENT: return "ENOENT"; case EACCES: return "EACCES";
  case EPERM: return "EPERM"; case EIDRM: return "EIDRM"; case ENOMEM: return "ENOMEM"; case EFAULT: return "EFAULT";
  default: return strerror(e);
  }
}

static void result(const char *what, long r) {
  if (r < 0) printf("%s: %s\n", what, err(errno));
  else printf("%s: %ld\n", what, r);
}

static long nattch(int id) {
  struct shmid_ds ds;
  if (shmctl(id, IPC_STAT, &ds) != 0) return -1;
  return (long)ds.shm_nattch;
}

static void reap(void) {
  int st;
  wait(&st);
  if (WIFEXITED(st)) printf("child exit %d\n", WEXITSTATUS(st));
  else printf("child killed by %d\n", WTERMSIG(st));
}

static void lock(int sem, int d) {
  struct sembuf b = { 0, (short)d, SEM_UNDO };
  semop(sem, &b, 1);
}

static long attach_ok(void *p) { return p == (void *)-1 ? -1 : 0; }

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  const size_t size = 2 * 4096 + 100;
  int id = shmget(IPC_PRIVATE, size, IPC_CREAT | 0600);
  int sem = semget(IPC_PRIVATE, 1, IPC_CREAT | 0600);
  semctl(sem, 0, SETVAL, 1);
  volatile long *counter = shmat(id, NULL, 0);
  struct shmid_ds ds;
  shmctl(id, IPC_STAT, &ds);
  printf("segsz %lu mode %o nattch %lu zero-filled %d\n", (unsigned long)ds.shm_segsz, ds.shm_perm.mode & 0777,
         (unsigned long)ds.shm_nattch, counter[0] == 0 && counter[size / sizeof(long) - 1] == 0);

  /* A shared counter: 2000 increments each, under the semaphore. */
  pid_t c = fork();
  if (c == 0) {
    for (int i = 0; i < 2000; i++) { lock(sem, -1); long v = counter[0]; counter[0] = v + 1; lock(sem, 1); }
    _exit(nattch(id) == 2 ? 0 : 1);
  }
  for (int i = 0; i < 2000; i++) { lock(sem, -1); long v = counter[0]; counter[0] = v + 1; lock(sem, 1); }
  reap();
  printf("counter %ld, nattch after the child's exit %ld\n", counter[0], nattch(id));

  /* A second attach sees the same pages. */
  long *second = shmat(id, NULL, 0);
  second[1000] = 77;
  printf("second attach: nattch %ld, same bytes %d\n", nattch(id), counter[1000] == 77 && second[0] == counter[0]);
  result("shmdt second", shmdt(second));
  result("nattch", nattch(id));

  /* At a chosen address. */
  char *want = mmap(NULL, 4 * 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  munmap(want, 4 * 4096);
  char *at = shmat(id, want + 100, SHM_RND);
  printf("SHM_RND: at the page %d, reads %ld\n", at == want, ((long *)at)[1000]);
  result("shmat taken address", attach_ok(shmat(id, want, 0)));
  result("shmat unaligned", attach_ok(shmat(id, want + 100, 0)));
  result("shmdt inside", shmdt(at + 4096));
  result("shmdt unaligned", shmdt(at + 1));
  result("shmdt of malloc'd memory", shmdt(malloc(64)));
  result("shmdt at", shmdt(at));
  result("shmdt at again", shmdt(at));

  /* Read-only: a write is SIGSEGV. */
  char *ro = shmat(id, NULL, SHM_RDONLY);
  printf("read-only attach reads %ld\n", ((long *)ro)[1000]);
  if (fork() == 0) { ro[0] = 1; _exit(0); }
  reap();
  shmdt(ro);

  /* Keys from ftok. */
  int fd = open("ipc-shm.key", O_CREAT | O_WRONLY, 0600);
  close(fd);
  key_t key = ftok("ipc-shm.key", 'S');
  result("shmget key, not there", shmget(key, 4096, 0600));
  int kid = shmget(key, 4096, IPC_CREAT | IPC_EXCL | 0600);
  result("shmget key, created", kid >= 0 ? 0 : -1);
  result("shmget key, EXCL again", shmget(key, 4096, IPC_CREAT | IPC_EXCL | 0600));
  result("shmget key, same id", shmget(key, 100, 0) == kid);
  result("shmget key, larger", shmget(key, 8192, 0));
  result("shmget size 0", shmget(IPC_PRIVATE, 0, IPC_CREAT | 0600));
  char *k = shmat(kid, NULL, 0);
  strcpy(k, "kept after IPC_RMID");
  result("IPC_RMID while attached", shmctl(kid, IPC_RMID, NULL));
  shmctl(kid, IPC_STAT, &ds);
  printf("after IPC_RMID: SHM_DEST %d, key %d, nattch %lu, data '%s'\n", (ds.shm_perm.mode & SHM_DEST) != 0,
         ds.shm_perm.__key, (unsigned long)ds.shm_nattch, k);
  result("shmget key after IPC_RMID", shmget(key, 4096, 0600));
  result("shmdt last attach", shmdt(k));
  result("IPC_STAT after the last detach", shmctl(kid, IPC_STAT, &ds));
  unlink("ipc-shm.key");

  /* Another user: 0600 objects refuse, 0644 ones may be read. */
  int q = msgget(IPC_PRIVATE, IPC_CREAT | 0600);
  int pub = shmget(IPC_PRIVATE, 4096, IPC_CREAT | 0644);
  fflush(stdout);
  if (fork() == 0) {
    if (setuid(65534) != 0) { printf("setuid: %s\n", err(errno)); _exit(1); }
    long mt = 1;
    result("other: msgsnd", msgsnd(q, &mt, 0, IPC_NOWAIT));
    result("other: msgctl IPC_STAT", msgctl(q, IPC_STAT, (struct msqid_ds *)&ds));
    result("other: msgctl IPC_RMID", msgctl(q, IPC_RMID, NULL));
    result("other: semctl GETVAL", semctl(sem, 0, GETVAL));
    result("other: semctl SETVAL", semctl(sem, 0, SETVAL, 3));
    result("other: shmat", attach_ok(shmat(id, NULL, 0)));
    result("other: shmat 0644", attach_ok(shmat(pub, NULL, 0)));
    result("other: shmat 0644 read-only", attach_ok(shmat(pub, NULL, SHM_RDONLY)));
    result("other: shmctl IPC_STAT 0644", shmctl(pub, IPC_STAT, &ds));
    result("other: shmctl IPC_RMID 0644", shmctl(pub, IPC_RMID, NULL));
    _exit(0);
  }
  reap();

  result("IPC_RMID", shmctl(id, IPC_RMID, NULL));
  result("nattch after IPC_RMID", nattch(id));
  result("shmdt", shmdt((void *)counter));
  result("IPC_STAT after the last detach", nattch(id));
  shmctl(pub, IPC_RMID, NULL);
  msgctl(q, IPC_RMID, NULL);
  semctl(sem, 0, IPC_RMID);
  return 0;
}
