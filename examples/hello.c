/* The built-in demo guest of typevisor: a small RISC-V Linux program. */
#include <stdio.h>
#include <sys/utsname.h>

int main(int argc, char **argv) {
  struct utsname u;
  uname(&u);
  printf("Hello from a %s program running on %s %s (as seen by the guest)\n", u.machine, u.sysname, u.release);
  for (int i = 1; i < argc; i++) printf("  argv[%d] = %s\n", i, argv[i]);
  int count = 0;
  for (int n = 2; n < 100000; n++) {
    int prime = 1;
    for (int d = 2; d * d <= n; d++) if (n % d == 0) { prime = 0; break; }
    count += prime;
  }
  printf("There are %d primes below 100000.\n", count);
  return 0;
}
