/*
 * Guest B: prints through the UART with c.sw, a compressed 32-bit store (so the
 * hypervisor decodes a 16-bit instruction), reads hgatp -- a hypervisor CSR, so a
 * virtual-instruction exception the hypervisor emulates as 0 -- and then turns on
 * Sv39 in VS-mode: its code stays identity-mapped, and its UART moves to virtual
 * 0xd0000000, so each access is translated twice (VS-stage to guest-physical
 * 0x10000000, then the G-stage, which faults). It counts the primes below LIMIT by
 * trial division in four steps, printing through SBI putchar, checks the count,
 * and powers off with the legacy SBI shutdown.
 */
#include "guest.h"

#define LIMIT 60000UL
#define PRIMES_BELOW_LIMIT 6057UL      /* pi(60000) */
#define UART_VA 0xd0000000UL           /* in the gigapage at 0xc0000000 -> guest-physical 0 */

#define PTE_V 0x01UL
#define PTE_R 0x02UL
#define PTE_W 0x04UL
#define PTE_X 0x08UL
#define PTE_A 0x40UL
#define PTE_D 0x80UL
#define SATP_SV39 (8UL << 60)

static uint64_t root_table[512] __attribute__((aligned(4096)));
static uintptr_t uart_base = UART_GPA;

static void uart_putchar(char c) {
  while ((mmio_read8(uart_base + UART_LSR) & LSR_THRE) == 0) {
  }
  mmio_write32_compressed(uart_base + UART_THR, (uint8_t)c);
}

static int is_prime(uint64_t n) {
  if (n < 2) return 0;
  for (uint64_t d = 2; d * d <= n; d++)
    if (n % d == 0) return 0;
  return 1;
}

int main(void) {
  putchar_fn uart = uart_putchar, sbi = sbi_putchar;
  put_str(uart, "hello from guest B: VS-mode, vsatp Bare, UART stores as compressed c.sw\n");

  uint64_t hgatp;
  __asm__ volatile("csrr %0, hgatp" : "=r"(hgatp));
  put_str(uart, "hgatp read from VS-mode: ");
  put_hex(uart, hgatp);
  uart('\n');

  /* Sv39 with two 1 GiB pages: 0x80000000 identity (RAM), 0xc0000000 -> 0 (devices). */
  root_table[2] = (0x80000000UL >> 12) << 10 | PTE_V | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D;
  root_table[3] = (0x00000000UL >> 12) << 10 | PTE_V | PTE_R | PTE_W | PTE_A | PTE_D;
  __asm__ volatile("csrw satp, %0\n\tsfence.vma" : : "r"(SATP_SV39 | (uintptr_t)root_table >> 12) : "memory");
  uart_base = UART_VA;
  put_str(uart, "Sv39 on: the UART is now at virtual ");
  put_hex(uart, UART_VA);
  uart('\n');

  uint64_t count = 0;
  for (unsigned step = 1; step <= 4; step++) {
    for (uint64_t n = (step - 1) * LIMIT / 4; n < step * LIMIT / 4; n++) count += (uint64_t)is_prime(n);
    put_str(sbi, "step ");
    put_dec(sbi, step);
    put_str(sbi, "/4: primes below ");
    put_dec(sbi, step * LIMIT / 4);
    put_str(sbi, ": ");
    put_dec(sbi, count);
    sbi('\n');
  }
  if (count != PRIMES_BELOW_LIMIT) {
    put_str(uart, "WRONG prime count\n");
    return 1;
  }
  put_str(uart, "prime count checked; shutting down\n");
  sbi_call(SBI_EXT_LEGACY_SHUTDOWN, 0, 0, 0);
  return 1;                             /* not reached */
}
