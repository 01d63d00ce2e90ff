/* On a terminal: tcgetattr and the window size, with the stack protector on every
   function, so a kernel structure written too long into the caller's stack is caught. */
#include <stdio.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

int main(void) {
  struct termios t;
  struct winsize w;
  int tty = isatty(0);
  int got = tcgetattr(0, &t);
  int ws = ioctl(0, TIOCGWINSZ, &w);
  printf("isatty %d tcgetattr %d canonical %d winsize %d %dx%d\n", tty, got, (t.c_lflag & ICANON) != 0, ws, w.ws_col, w.ws_row);
  return 0;
}
