/* System calls that riscv64 Linux does not have answer ENOSYS, as on Linux: numbers the
   asm-generic table leaves to 32-bit or legacy ABIs (38 renameat), and numbers past the table. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static void absent(long nr, const char *what) {
  errno = 0;
  long r = syscall(nr, AT_FDCWD, "/nonexistent-a", AT_FDCWD, "/nonexistent-b", 0);
  printf("%s (%ld): %ld %s\n", what, nr, r, strerror(errno));
}

int main(void) {
  absent(38, "renameat, not in the riscv64 table");
  absent(1079, "a number past the table");
  absent(-1, "a negative number");
  return 0;
}
