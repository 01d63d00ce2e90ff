/* System V message queues between a parent and forked children: typed
   messages, msgrcv by type (0, positive, negative, MSG_EXCEPT), a receive that
   blocks until the message comes, MSG_NOERROR and E2BIG, msg_qbytes set with
   IPC_SET and a send that blocks until there is room, IPC_NOWAIT (ENOMSG,
   EAGAIN), a blocked receive cut short by a signal (EINTR) and by IPC_RMID
   (EIDRM). Only one process prints at a time; no ids or pids are printed. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/wait.h>
#include <unistd.h>

struct message { long mtype; char mtext[64]; };

static const char *err(int e) {
  switch (e) {
  case EINTR: return "EINTR"; case EIDRM: return "EIDRM"; case ENOMSG: return "ENOMSG"; case E2BIG: return "E2BIG";
  case EAGAIN: return "EAGAIN"; case EINVAL: return "EINVAL"; case EACCES: return "EACCES"; case EFAULT: return "EFAULT";
  default: return strerror(e);
  }
}

static void send(int q, long type, const char *text, int flags) {
  struct message m = { .mtype = type };
  strcpy(m.mtext, text);
  if (msgsnd(q, &m, strlen(text) + 1, flags) != 0) printf("msgsnd %ld '%s': %s\n", type, text, err(errno));
}

static void receive(const char *who, int q, size_t size, long type, int flags) {
  struct message m;
  memset(&m, 0, sizeof m);
  ssize_t n = msgrcv(q, &m, size, type, flags);
  if (n < 0) printf("%s msgrcv(%ld): %s\n", who, type, err(errno));
  else printf("%s msgrcv(%ld): type %ld, %zd bytes '%.*s'\n", who, type, m.mtype, n, (int)n, m.mtext);
}

static void reap(void) {
  int st;
  wait(&st);
  if (WIFEXITED(st)) printf("child exit %d\n", WEXITSTATUS(st));
  else printf("child killed by %d\n", WTERMSIG(st));
}

static void on_usr1(int s) { (void)s; }

static void show(int q) {
  struct msqid_ds ds;
  if (msgctl(q, IPC_STAT, &ds) != 0) { printf("IPC_STAT: %s\n", err(errno)); return; }
  printf("IPC_STAT: qnum %lu cbytes %lu qbytes %lu mode %o owner %s\n", (unsigned long)ds.msg_qnum,
         (unsigned long)ds.__msg_cbytes, (unsigned long)ds.msg_qbytes, ds.msg_perm.mode & 0777,
         ds.msg_perm.uid == geteuid() && ds.msg_perm.cuid == geteuid() ? "me" : "other");
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_usr1;
  sigaction(SIGUSR1, &sa, NULL);

  int q = msgget(IPC_PRIVATE, IPC_CREAT | 0600);
  if (q < 0) { printf("msgget: %s\n", err(errno)); return 1; }
  send(q, 1, "one", 0);
  send(q, 3, "three", 0);
  send(q, 1, "uno", 0);
  show(q);

  /* The child waits for type 2, which the parent sends later; then takes the rest by type. */
  if (fork() == 0) {
    receive("child", q, 64, 2, 0);
    receive("child", q, 64, -2, 0);
    receive("child", q, 64, 0, 0);
    receive("child", q, 64, 3, MSG_EXCEPT);
    receive("child", q, 64, 0, IPC_NOWAIT);
    send(q, 9, "done", 0);
    _exit(0);
  }
  usleep(100000);
  send(q, 2, "two", 0);
  receive("parent", q, 64, 9, 0);
  reap();

  /* Too long for the buffer. */
  send(q, 5, "a longer message", 0);
  receive("parent", q, 4, 5, IPC_NOWAIT);
  receive("parent", q, 4, 5, IPC_NOWAIT | MSG_NOERROR);
  receive("parent", q, 64, 5, IPC_NOWAIT);

  /* A queue of 12 bytes: the second 8-byte message waits until the child takes the first. */
  struct msqid_ds ds;
  msgctl(q, IPC_STAT, &ds);
  ds.msg_qbytes = 12;
  ds.msg_perm.mode = 0640;
  printf("IPC_SET: %d\n", msgctl(q, IPC_SET, &ds));
  show(q);
  send(q, 1, "seven..", 0);
  send(q, 1, "eight..", IPC_NOWAIT);
  if (fork() == 0) {
    usleep(100000);
    struct message m;
    msgrcv(q, &m, 64, 0, 0);
    _exit(0);
  }
  send(q, 1, "eight..", 0);
  printf("blocked send finished\n");
  reap();
  receive("parent", q, 64, 0, 0);

  /* A signal ends a waiting receive with EINTR; IPC_RMID ends another with EIDRM. */
  pid_t c = fork();
  if (c == 0) {
    receive("child", q, 64, 0, 0);
    _exit(0);
  }
  usleep(100000);
  kill(c, SIGUSR1);
  reap();
  if (fork() == 0) {
    receive("child", q, 64, 0, 0);
    _exit(0);
  }
  usleep(100000);
  int rmid = msgctl(q, IPC_RMID, NULL);
  reap();
  printf("IPC_RMID: %d\n", rmid);
  printf("msgsnd after IPC_RMID: %d %s\n", msgsnd(q, &ds, 1, 0), err(errno));
  return 0;
}
