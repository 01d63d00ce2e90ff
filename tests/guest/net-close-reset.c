/* Closing a connected stream socket that still has unread data, or with
   SO_LINGER {1, 0}: over TCP loopback the peer's next read fails with
   ECONNRESET (the close sends a reset); over a Unix-domain socket the close
   simply succeeds (the peer sees the connection end). No port numbers or
   paths are printed. */
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

/* A connected pair: *client and *server (accepted) over a listener of `domain`. */
static int pair(int domain, const char *unix_path, int *client, int *server) {
  int l = socket(domain, SOCK_STREAM, 0);
  struct sockaddr_storage ss;
  socklen_t len;
  memset(&ss, 0, sizeof ss);
  if (domain == AF_INET) {
    struct sockaddr_in *in = (struct sockaddr_in *)&ss;
    in->sin_family = AF_INET;
    in->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    len = sizeof *in;
  } else {
    struct sockaddr_un *un = (struct sockaddr_un *)&ss;
    un->sun_family = AF_UNIX;
    strcpy(un->sun_path, unix_path);
    len = sizeof *un;
  }
  if (bind(l, (struct sockaddr *)&ss, len) != 0 || listen(l, 4) != 0) return -1;
  len = sizeof ss;
  getsockname(l, (struct sockaddr *)&ss, &len);
  *client = socket(domain, SOCK_STREAM, 0);
  if (connect(*client, (struct sockaddr *)&ss, len) != 0) return -1;
  *server = accept(l, NULL, NULL);
  close(l);
  return *server < 0 ? -1 : 0;
}

static void wait_readable(int fd) {
  struct pollfd p = {fd, POLLIN, 0};
  poll(&p, 1, 5000);
}

static const char *outcome(ssize_t n, int err) {
  if (n > 0) return "data";
  if (n == 0) return "eof";
  return err == ECONNRESET ? "ECONNRESET" : err == EPIPE ? "EPIPE" : strerror(err);
}

static void tcp(void) {
  int c, s;
  if (pair(AF_INET, NULL, &c, &s) != 0) { printf("tcp setup failed\n"); return; }
  write(c, "hello", 5);
  wait_readable(s);
  printf("tcp close with unread data: %d\n", close(s));
  wait_readable(c);
  char buf[16];
  ssize_t n = read(c, buf, sizeof buf);
  printf("tcp peer read: %s\n", outcome(n, errno));
  close(c);

  if (pair(AF_INET, NULL, &c, &s) != 0) { printf("tcp setup failed\n"); return; }
  struct linger lg = {1, 0};
  printf("SO_LINGER {1,0}: %d\n", setsockopt(c, SOL_SOCKET, SO_LINGER, &lg, sizeof lg));
  printf("tcp close with SO_LINGER 0: %d\n", close(c));
  wait_readable(s);
  n = read(s, buf, sizeof buf);
  printf("tcp peer read: %s\n", outcome(n, errno));
  close(s);
}

static void unix_stream(const char *dir) {
  char path[108];
  snprintf(path, sizeof path, "%s/a", dir);
  int c, s;
  if (pair(AF_UNIX, path, &c, &s) != 0) { printf("unix setup failed\n"); return; }
  write(c, "hello", 5);
  wait_readable(s);
  printf("unix close with unread data: %d\n", close(s));
  wait_readable(c);
  char buf[16];
  ssize_t n = read(c, buf, sizeof buf);
  const char *o = outcome(n, errno);
  printf("unix peer read ends the connection: %d\n", strcmp(o, "eof") == 0 || strcmp(o, "ECONNRESET") == 0);
  close(c);
  unlink(path);

  if (pair(AF_UNIX, path, &c, &s) != 0) { printf("unix setup failed\n"); return; }
  struct linger lg = {1, 0};
  printf("unix SO_LINGER {1,0}: %d\n", setsockopt(c, SOL_SOCKET, SO_LINGER, &lg, sizeof lg));
  write(c, "bye", 3);
  printf("unix close with SO_LINGER 0: %d\n", close(c));
  wait_readable(s);
  n = read(s, buf, sizeof buf);
  printf("unix peer reads what was sent: %s %.*s\n", outcome(n, errno), n > 0 ? (int)n : 0, buf);
  n = read(s, buf, sizeof buf);
  printf("then: %s\n", outcome(n, errno));
  close(s);
  unlink(path);
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  char dir[] = "/tmp/ncrXXXXXX";
  if (!mkdtemp(dir)) return 1;
  tcp();
  unix_stream(dir);
  rmdir(dir);
  return 0;
}
