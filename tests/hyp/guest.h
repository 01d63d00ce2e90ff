/*
 * What the two guests share: the devices and SBI calls of the machine the
 * hypervisor gives them, and printing. A guest runs in VS-mode and knows
 * nothing of the hypervisor: it drives a 16550 UART at 0x10000000 and calls
 * SBI with ecall, as it would on a real virt board.
 */
#ifndef HYP_GUEST_H
#define HYP_GUEST_H

#include <stdint.h>

#define UART_GPA 0x10000000UL
#define UART_THR 0
#define UART_LSR 5
#define LSR_THRE 0x20

#define SBI_EXT_LEGACY_PUTCHAR 0x01
#define SBI_EXT_LEGACY_SHUTDOWN 0x08
#define SBI_EXT_BASE 0x10
#define SBI_BASE_GET_SPEC_VERSION 0
#define SBI_BASE_PROBE_EXTENSION 3
#define SBI_EXT_SRST 0x53525354

struct sbiret {
  long error;
  long value;
};

static inline struct sbiret sbi_call(unsigned long eid, unsigned long fid, unsigned long arg0, unsigned long arg1) {
  register unsigned long a0 __asm__("a0") = arg0;
  register unsigned long a1 __asm__("a1") = arg1;
  register unsigned long a6 __asm__("a6") = fid;
  register unsigned long a7 __asm__("a7") = eid;
  __asm__ volatile("ecall" : "+r"(a0), "+r"(a1) : "r"(a6), "r"(a7) : "memory");
  return (struct sbiret){(long)a0, (long)a1};
}

/* Device accesses as single instructions of a known form (the hypervisor decodes them). */
static inline uint8_t mmio_read8(uintptr_t addr) {
  uint8_t v;
  __asm__ volatile("lbu %0, 0(%1)" : "=r"(v) : "r"(addr) : "memory");
  return v;
}

static inline void mmio_write8(uintptr_t addr, uint8_t v) {
  __asm__ volatile("sb %0, 0(%1)" : : "r"(v), "r"(addr) : "memory");
}

/* A 32-bit store in its compressed form, c.sw (which needs registers x8-x15: a0, a1). */
static inline void mmio_write32_compressed(uintptr_t addr, uint32_t v) {
  register uintptr_t a0 __asm__("a0") = addr;
  register uint32_t a1 __asm__("a1") = v;
  __asm__ volatile("c.sw %1, 0(%0)" : : "r"(a0), "r"(a1) : "memory");
}

static inline void sbi_putchar(char c) { sbi_call(SBI_EXT_LEGACY_PUTCHAR, 0, (unsigned char)c, 0); }

typedef void (*putchar_fn)(char);

static inline void put_str(putchar_fn out, const char *s) {
  while (*s) out(*s++);
}

static inline void put_dec(putchar_fn out, uint64_t n) {
  char digits[24];
  int i = 0;
  do {
    digits[i++] = (char)('0' + n % 10);
    n /= 10;
  } while (n != 0);
  while (i > 0) out(digits[--i]);
}

static inline void put_hex(putchar_fn out, uint64_t n) {
  int shift = 60;
  while (shift > 0 && (n >> shift) == 0) shift -= 4;
  put_str(out, "0x");
  for (; shift >= 0; shift -= 4) out("0123456789abcdef"[(n >> shift) & 15]);
}

#endif
