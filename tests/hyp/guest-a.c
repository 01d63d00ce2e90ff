/*
 * Guest A: stays in vsatp = Bare (guest-virtual = guest-physical). Prints through
 * the UART with byte loads and stores (lbu from LSR, sb to THR), asks SBI for its
 * version and probes two extensions, calls one that does not exist, prints a line
 * through SBI putchar, and sums i*i for i < N in four steps (long enough to be
 * preempted by the hypervisor's timer many times), checking the sum against the
 * closed form N(N-1)(2N-1)/6 -- a register the hypervisor failed to restore on a
 * switch would show here. Returns 0 (system reset, no reason) when all is well.
 */
#include "guest.h"

#define N 1600000UL
#define UNKNOWN_EXTENSION 0x0a000000UL

static void uart_putchar(char c) {
  while ((mmio_read8(UART_GPA + UART_LSR) & LSR_THRE) == 0) {
  }
  mmio_write8(UART_GPA + UART_THR, (uint8_t)c);
}

int main(void) {
  putchar_fn uart = uart_putchar, sbi = sbi_putchar;
  put_str(uart, "hello from guest A: VS-mode, vsatp Bare; this UART is emulated by the hypervisor\n");

  /* the calls first, then the line, so that the hypervisor's notes do not split it */
  struct sbiret version = sbi_call(SBI_EXT_BASE, SBI_BASE_GET_SPEC_VERSION, 0, 0);
  struct sbiret putchar = sbi_call(SBI_EXT_BASE, SBI_BASE_PROBE_EXTENSION, SBI_EXT_LEGACY_PUTCHAR, 0);
  struct sbiret unknown = sbi_call(SBI_EXT_BASE, SBI_BASE_PROBE_EXTENSION, UNKNOWN_EXTENSION, 0);
  put_str(uart, "SBI spec version ");
  put_dec(uart, (uint64_t)version.value >> 24 & 0x7f);
  uart('.');
  put_dec(uart, (uint64_t)version.value & 0xffffff);
  put_str(uart, putchar.value ? "; putchar present" : "; putchar absent");
  put_str(uart, unknown.value ? "; extension 0xa000000 present\n" : "; extension 0xa000000 absent\n");
  struct sbiret r = sbi_call(UNKNOWN_EXTENSION, 0, 0, 0);
  put_str(uart, "calling extension 0xa000000 anyway gives error ");
  if (r.error < 0) uart('-');
  put_dec(uart, (uint64_t)(r.error < 0 ? -r.error : r.error));
  uart('\n');

  put_str(sbi, "this line goes through SBI putchar, one ecall per byte\n");

  uint64_t sum = 0;
  for (unsigned step = 1; step <= 4; step++) {
    for (uint64_t i = (step - 1) * N / 4; i < step * N / 4; i++) {
      sum += i * i;
      __asm__ volatile("" : "+r"(sum)); /* no closed form from the compiler */
    }
    putchar_fn out = step % 2 ? uart : sbi;
    put_str(out, "step ");
    put_dec(out, step);
    put_str(out, "/4: sum of i*i so far ");
    put_hex(out, sum);
    out('\n');
  }
  uint64_t expected = (N - 1) * N * (2 * N - 1) / 6;
  put_str(uart, sum == expected ? "sum of i*i for i < " : "WRONG sum of i*i for i < ");
  put_dec(uart, N);
  put_str(uart, sum == expected ? " matches N(N-1)(2N-1)/6\n" : " differs from N(N-1)(2N-1)/6\n");
  return sum == expected ? 0 : 1;
}
