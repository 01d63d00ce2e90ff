/*
 * vmm: a small virtual machine monitor over Linux KVM on RISC-V, written for
 * tests/kvm.test.ts. It runs as an ordinary user program inside a guest whose
 * kernel has KVM (images/Image-kvm) and gives one vCPU to either
 *
 *   vmm --bare FILE                 a raw binary loaded at guest-physical 0x80000000
 *   vmm --kernel Image --initrd FILE [--mem MIB] [--append CMDLINE]
 *                                   a Linux boot: Image at 0x80200000, a device tree in
 *                                   the top 2 MiB of RAM (a1 points to it) and the initrd
 *                                   just below it; default --mem 128, --append
 *                                   "console=hvc0 earlycon=sbi"
 *   vmm --kernel ... --dump-dtb FILE
 *                                   writes the device tree it generated to FILE and exits
 *                                   before opening /dev/kvm (so it runs anywhere)
 *   vmm --kernel ... --dtb FILE     uses FILE as the device tree instead: its /chosen must
 *                                   name the initrd where vmm puts it (start from --dump-dtb)
 *
 * The machine it offers is small: RAM at 0x80000000, no interrupt controller,
 * a console through the SBI legacy putchar/getchar calls (which KVM forwards to
 * user space as KVM_EXIT_RISCV_SBI), and the transmit side of a 16550 UART at
 * 0x10000000 (KVM_EXIT_MMIO), enough for a bare-metal program to print. The
 * guest ends with an SBI shutdown (legacy or SRST), which KVM reports as
 * KVM_EXIT_SYSTEM_EVENT. At the end vmm prints one line to stderr with the
 * exits it handled, by reason:
 *
 *   vmm: exits: sbi=1234 mmio=56 system_event=1
 *
 * Its exit status is 0 after a shutdown or reset, 1 on any error or an exit it
 * does not know (reported with the vCPU's pc).
 *
 * Interfaces used: Documentation/virt/kvm/api.rst of Linux 6.1 (the ioctls,
 * struct kvm_run, the RISC-V ONE_REG ids from asm/kvm.h), the RISC-V SBI
 * specification v1.0 (legacy extensions 0x01/0x02/0x08, SRST), the Devicetree
 * Specification v0.4 (the flattened format) and Linux's Documentation/riscv/
 * boot-image-header.rst.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

/* ---- the machine's memory map ---- */

/* RAM, where QEMU's virt board and typevisor's have it. */
#define RAM_BASE 0x80000000UL
/* A Linux Image goes 2 MiB into RAM (its header's text_offset; the first 2 MiB are the firmware's on a real board). */
#define KERNEL_OFFSET 0x200000UL
/* The 16550 UART: its transmit holding register (THR, offset 0) and line status register (LSR, offset 5). */
#define UART_BASE 0x10000000UL
#define UART_THR (UART_BASE + 0)
#define UART_LSR (UART_BASE + 5)
/* LSR: THR empty (bit 5) and transmitter idle (bit 6): the UART can always take a byte. */
#define UART_LSR_IDLE 0x60
/* The time CSR's frequency the device tree states: both typevisor's virt board and QEMU's count at 10 MHz. */
#define TIMEBASE_HZ 10000000U

#define DEFAULT_MEM_MIB 128
#define DEFAULT_APPEND "console=hvc0 earlycon=sbi"

/* ---- SBI (RISC-V Supervisor Binary Interface v1.0) ---- */

#define SBI_EXT_LEGACY_PUTCHAR 0x01
#define SBI_EXT_LEGACY_GETCHAR 0x02
#define SBI_EXT_LEGACY_SHUTDOWN 0x08
#define SBI_EXT_SRST 0x53525354 /* "SRST", system reset */
#define SBI_ERR_NOT_SUPPORTED (-2L)

/* ---- errors ---- */

static struct termios saved_termios;
static int termios_saved;

static void restore_terminal(void) {
  if (termios_saved) {
    tcsetattr(STDIN_FILENO, TCSANOW, &saved_termios);
    termios_saved = 0;
  }
}

/* Prints "vmm: MESSAGE" (and strerror(errno) when errno_too) and exits with status 1. */
static void die(int errno_too, const char *fmt, ...) __attribute__((noreturn, format(printf, 2, 3)));
static void die(int errno_too, const char *fmt, ...) {
  int saved = errno;
  restore_terminal();
  va_list ap;
  va_start(ap, fmt);
  fputs("vmm: ", stderr);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  if (errno_too) fprintf(stderr, ": %s", strerror(saved));
  fputc('\n', stderr);
  exit(1);
}

/* ---- the console: guest output buffered, flushed at a newline or when the guest waits for input ---- */

static char out_buf[4096];
static size_t out_len;

static void flush_output(void) {
  size_t done = 0;
  while (done < out_len) {
    ssize_t n = write(STDOUT_FILENO, out_buf + done, out_len - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) die(1, "writing the guest's console output");
    done += (size_t)n;
  }
  out_len = 0;
}

static void put_byte(uint8_t c) {
  out_buf[out_len++] = (char)c;
  if (c == '\n' || out_len == sizeof out_buf) flush_output();
}

static int stdin_ended;

/* A byte from stdin if one is ready now, else -1 (the SBI legacy getchar's "nothing"). */
static long get_byte(void) {
  flush_output();
  if (stdin_ended) return -1;
  struct pollfd p = { .fd = STDIN_FILENO, .events = POLLIN };
  if (poll(&p, 1, 0) <= 0) return -1;
  uint8_t c;
  ssize_t n = read(STDIN_FILENO, &c, 1);
  if (n == 1) return c;
  if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN)) stdin_ended = 1;
  return -1;
}

/* Ctrl-C (or a kill) ends vmm with the terminal as it found it. */
static void on_signal(int sig) {
  if (termios_saved) tcsetattr(STDIN_FILENO, TCSANOW, &saved_termios);
  _exit(128 + sig);
}

/*
 * On a terminal, the guest's console owns it: no line editing, no echo (the guest
 * echoes), bytes passed unchanged both ways. Signals stay on, so Ctrl-C ends vmm.
 */
static void raw_terminal(void) {
  if (!isatty(STDIN_FILENO) || tcgetattr(STDIN_FILENO, &saved_termios) != 0) return;
  termios_saved = 1;
  atexit(restore_terminal);
  signal(SIGINT, on_signal);
  signal(SIGTERM, on_signal);
  signal(SIGHUP, on_signal);
  struct termios t = saved_termios;
  t.c_iflag &= ~(tcflag_t)(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR | ICRNL | IXON);
  t.c_oflag &= ~(tcflag_t)OPOST;
  t.c_lflag &= ~(tcflag_t)(ECHO | ECHONL | ICANON | IEXTEN);
  t.c_cc[VMIN] = 1;
  t.c_cc[VTIME] = 0;
  tcsetattr(STDIN_FILENO, TCSANOW, &t);
}

/* ---- files ---- */

/* Reads all of `path` into guest RAM at host address `dest`, at most `room` bytes; returns its size. */
static size_t load_file(const char *path, uint8_t *dest, size_t room) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) die(1, "%s", path);
  struct stat st;
  if (fstat(fd, &st) != 0) die(1, "%s", path);
  if ((size_t)st.st_size > room) die(0, "%s: %lld bytes do not fit in the %zu bytes of guest RAM left for it", path, (long long)st.st_size, room);
  size_t done = 0;
  while (done < (size_t)st.st_size) {
    ssize_t n = read(fd, dest + done, (size_t)st.st_size - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) die(1, "reading %s", path);
    if (n == 0) break;
    done += (size_t)n;
  }
  close(fd);
  return done;
}

static size_t file_size(const char *path) {
  struct stat st;
  if (stat(path, &st) != 0) die(1, "%s", path);
  return (size_t)st.st_size;
}

/* ---- a flattened device tree writer (Devicetree Specification v0.4, chapter 5) ---- */

#define FDT_MAGIC 0xd00dfeedU
#define FDT_BEGIN_NODE 1U
#define FDT_END_NODE 2U
#define FDT_PROP 3U
#define FDT_END 9U
#define FDT_HEADER_SIZE 40U

struct fdt {
  uint8_t structure[4096];
  size_t structure_len;
  char strings[512];
  size_t strings_len;
};

static void fdt_put(struct fdt *f, const void *data, size_t len) {
  size_t padded = (len + 3) & ~(size_t)3;
  if (f->structure_len + padded > sizeof f->structure) die(0, "the device tree outgrew its buffer");
  memcpy(f->structure + f->structure_len, data, len);
  memset(f->structure + f->structure_len + len, 0, padded - len);
  f->structure_len += padded;
}

static void fdt_word(struct fdt *f, uint32_t w) {
  uint32_t be = __builtin_bswap32(w);
  fdt_put(f, &be, 4);
}

/* The offset of `name` in the strings block, added once. */
static uint32_t fdt_string(struct fdt *f, const char *name) {
  for (size_t off = 0; off < f->strings_len; off += strlen(f->strings + off) + 1) {
    if (strcmp(f->strings + off, name) == 0) return (uint32_t)off;
  }
  size_t len = strlen(name) + 1;
  if (f->strings_len + len > sizeof f->strings) die(0, "the device tree's strings outgrew their buffer");
  memcpy(f->strings + f->strings_len, name, len);
  f->strings_len += len;
  return (uint32_t)(f->strings_len - len);
}

static void fdt_begin(struct fdt *f, const char *name) {
  fdt_word(f, FDT_BEGIN_NODE);
  fdt_put(f, name, strlen(name) + 1);
}

static void fdt_end(struct fdt *f) {
  fdt_word(f, FDT_END_NODE);
}

static void fdt_prop(struct fdt *f, const char *name, const void *value, size_t len) {
  fdt_word(f, FDT_PROP);
  fdt_word(f, (uint32_t)len);
  fdt_word(f, fdt_string(f, name));
  if (len > 0) fdt_put(f, value, len);
}

static void fdt_u32(struct fdt *f, const char *name, uint32_t v) {
  uint32_t be = __builtin_bswap32(v);
  fdt_prop(f, name, &be, 4);
}

static void fdt_u64(struct fdt *f, const char *name, uint64_t v) {
  uint64_t be = __builtin_bswap64(v);
  fdt_prop(f, name, &be, 8);
}

/* reg = <address size> in two cells each, as #address-cells = #size-cells = 2 at the root. */
static void fdt_reg(struct fdt *f, uint64_t address, uint64_t size) {
  uint64_t be[2] = { __builtin_bswap64(address), __builtin_bswap64(size) };
  fdt_prop(f, "reg", be, sizeof be);
}

static void fdt_str(struct fdt *f, const char *name, const char *s) {
  fdt_prop(f, name, s, strlen(s) + 1);
}

/* Writes the blob (header, an empty reservation map, structure, strings) to `out`; returns its size. */
static size_t fdt_finish(struct fdt *f, uint8_t *out, size_t room) {
  fdt_word(f, FDT_END);
  uint32_t off_rsvmap = FDT_HEADER_SIZE;
  uint32_t off_struct = off_rsvmap + 16; /* one all-zero entry ends the reservation map */
  uint32_t off_strings = off_struct + (uint32_t)f->structure_len;
  uint32_t total = off_strings + (uint32_t)f->strings_len;
  if (total > room) die(0, "the device tree (%u bytes) does not fit", total);
  uint32_t header[10] = {
    FDT_MAGIC, total, off_struct, off_strings, off_rsvmap,
    17,                          /* version */
    16,                          /* last_comp_version */
    0,                           /* boot_cpuid_phys */
    (uint32_t)f->strings_len,    /* size_dt_strings */
    (uint32_t)f->structure_len,  /* size_dt_struct */
  };
  for (int i = 0; i < 10; i++) header[i] = __builtin_bswap32(header[i]);
  memset(out, 0, total);
  memcpy(out, header, sizeof header);
  memcpy(out + off_struct, f->structure, f->structure_len);
  memcpy(out + off_strings, f->strings, f->strings_len);
  return total;
}

/*
 * The nested Linux's device tree: one hart, RAM, /chosen. No interrupt controller
 * other than the hart's own, no UART node (the console is hvc0 on SBI), no timer
 * device (the SBI TIME extension, which KVM serves), so nothing to wait for.
 */
static size_t build_device_tree(uint8_t *out, size_t room, uint64_t mem_bytes, const char *bootargs,
                                uint64_t initrd_start, uint64_t initrd_end) {
  static struct fdt f;
  memset(&f, 0, sizeof f);
  const uint32_t intc_phandle = 1;
  fdt_begin(&f, "");
  fdt_u32(&f, "#address-cells", 2);
  fdt_u32(&f, "#size-cells", 2);
  fdt_str(&f, "compatible", "typevisor,kvm-vmm");
  fdt_str(&f, "model", "typevisor tests/kvm vmm");

  fdt_begin(&f, "chosen");
  fdt_str(&f, "bootargs", bootargs);
  if (initrd_end > initrd_start) {
    fdt_u64(&f, "linux,initrd-start", initrd_start);
    fdt_u64(&f, "linux,initrd-end", initrd_end);
  }
  /* A seed for the guest's random pool (as QEMU's virt board gives), when the outer kernel has one to spare. */
  uint8_t seed[32];
  if (getrandom(seed, sizeof seed, GRND_NONBLOCK) == (ssize_t)sizeof seed) fdt_prop(&f, "rng-seed", seed, sizeof seed);
  fdt_end(&f);

  char name[32];
  snprintf(name, sizeof name, "memory@%lx", RAM_BASE);
  fdt_begin(&f, name);
  fdt_str(&f, "device_type", "memory");
  fdt_reg(&f, RAM_BASE, mem_bytes);
  fdt_end(&f);

  fdt_begin(&f, "cpus");
  fdt_u32(&f, "#address-cells", 1);
  fdt_u32(&f, "#size-cells", 0);
  fdt_u32(&f, "timebase-frequency", TIMEBASE_HZ);
  fdt_begin(&f, "cpu@0");
  fdt_str(&f, "device_type", "cpu");
  fdt_u32(&f, "reg", 0);
  fdt_str(&f, "status", "okay");
  fdt_str(&f, "compatible", "riscv");
  fdt_str(&f, "riscv,isa", "rv64imafdc_zicsr_zifencei");
  fdt_str(&f, "mmu-type", "riscv,sv48");
  fdt_begin(&f, "interrupt-controller");
  fdt_u32(&f, "#address-cells", 0);
  fdt_u32(&f, "#interrupt-cells", 1);
  fdt_prop(&f, "interrupt-controller", NULL, 0);
  fdt_str(&f, "compatible", "riscv,cpu-intc");
  fdt_u32(&f, "phandle", intc_phandle);
  fdt_end(&f); /* interrupt-controller */
  fdt_end(&f); /* cpu@0 */
  fdt_end(&f); /* cpus */

  fdt_end(&f); /* / */
  return fdt_finish(&f, out, room);
}

/* ---- KVM ---- */

/* A ONE_REG id of a 64-bit RISC-V core register (asm/kvm.h: struct kvm_riscv_core). */
#define CORE_REG(field) \
  (KVM_REG_RISCV | KVM_REG_SIZE_U64 | KVM_REG_RISCV_CORE | (offsetof(struct kvm_riscv_core, field) / sizeof(unsigned long)))

static void set_reg(int vcpu, uint64_t id, const char *name, uint64_t value) {
  struct kvm_one_reg r = { .id = id, .addr = (uint64_t)(uintptr_t)&value };
  if (ioctl(vcpu, KVM_SET_ONE_REG, &r) != 0) die(1, "KVM_SET_ONE_REG %s", name);
}

static uint64_t get_reg(int vcpu, uint64_t id, const char *name) {
  uint64_t value = 0;
  struct kvm_one_reg r = { .id = id, .addr = (uint64_t)(uintptr_t)&value };
  if (ioctl(vcpu, KVM_GET_ONE_REG, &r) != 0) die(1, "KVM_GET_ONE_REG %s", name);
  return value;
}

/* Sets a register and reads it back, so that a hypervisor that drops the write is caught here. */
static void set_checked(int vcpu, uint64_t id, const char *name, uint64_t value) {
  set_reg(vcpu, id, name, value);
  uint64_t back = get_reg(vcpu, id, name);
  if (back != value) die(0, "%s reads back as 0x%llx after setting 0x%llx", name, (unsigned long long)back, (unsigned long long)value);
}

/* Names of the exit reasons this VMM can meet, for its report. */
static const char *exit_name(uint32_t reason) {
  switch (reason) {
    case KVM_EXIT_UNKNOWN: return "unknown";
    case KVM_EXIT_MMIO: return "mmio";
    case KVM_EXIT_SHUTDOWN: return "shutdown";
    case KVM_EXIT_FAIL_ENTRY: return "fail_entry";
    case KVM_EXIT_INTR: return "intr";
    case KVM_EXIT_INTERNAL_ERROR: return "internal_error";
    case KVM_EXIT_SYSTEM_EVENT: return "system_event";
    case KVM_EXIT_RISCV_SBI: return "sbi";
    case 36: return "riscv_csr"; /* KVM_EXIT_RISCV_CSR, Linux 6.3 */
    default: return NULL;
  }
}

#define MAX_EXIT_REASON 64
static unsigned long exit_counts[MAX_EXIT_REASON + 1];
/* KVM_EXIT_MMIO accesses outside the UART's THR and LSR: reads gave 0, writes were dropped. */
static unsigned long mmio_other;

static void report_exits(void) {
  flush_output();
  restore_terminal();
  fputs("vmm: exits:", stderr);
  /* The reasons this machine is made of first, then any others by number. */
  static const uint32_t first[] = { KVM_EXIT_RISCV_SBI, KVM_EXIT_MMIO, KVM_EXIT_SYSTEM_EVENT };
  for (size_t i = 0; i < sizeof first / sizeof first[0]; i++) {
    if (exit_counts[first[i]] > 0) fprintf(stderr, " %s=%lu", exit_name(first[i]), exit_counts[first[i]]);
  }
  for (uint32_t r = 0; r <= MAX_EXIT_REASON; r++) {
    if (exit_counts[r] == 0 || r == KVM_EXIT_RISCV_SBI || r == KVM_EXIT_MMIO || r == KVM_EXIT_SYSTEM_EVENT) continue;
    const char *name = exit_name(r);
    if (name != NULL) fprintf(stderr, " %s=%lu", name, exit_counts[r]);
    else fprintf(stderr, " reason%u=%lu", r, exit_counts[r]);
  }
  if (mmio_other > 0) fprintf(stderr, " (mmio outside the UART: %lu)", mmio_other);
  fputc('\n', stderr);
}

/* The guest's SBI call that KVM left to user space; sets ret[0] (a0) and ret[1] (a1). Returns 1 when the guest asked to end. */
static int handle_sbi(struct kvm_run *run) {
  unsigned long eid = run->riscv_sbi.extension_id;
  switch (eid) {
    case SBI_EXT_LEGACY_PUTCHAR:
      put_byte((uint8_t)run->riscv_sbi.args[0]);
      run->riscv_sbi.ret[0] = 0;
      return 0;
    case SBI_EXT_LEGACY_GETCHAR:
      run->riscv_sbi.ret[0] = (unsigned long)get_byte();
      return 0;
    case SBI_EXT_LEGACY_SHUTDOWN: /* KVM 6.1 turns both into KVM_EXIT_SYSTEM_EVENT; here for other versions */
    case SBI_EXT_SRST:
      return 1;
    default:
      /* Experimental (0x08000000-0x08ffffff) and vendor extensions (0x09000000-0x09ffffff) end up here: none is known. */
      run->riscv_sbi.ret[0] = (unsigned long)SBI_ERR_NOT_SUPPORTED;
      run->riscv_sbi.ret[1] = 0;
      return 0;
  }
}

static void handle_mmio(struct kvm_run *run) {
  uint64_t addr = run->mmio.phys_addr;
  if (run->mmio.is_write) {
    if (addr == UART_THR) put_byte(run->mmio.data[0]);
    else mmio_other++;
  } else {
    memset(run->mmio.data, 0, sizeof run->mmio.data);
    if (addr == UART_LSR) run->mmio.data[0] = UART_LSR_IDLE;
    else mmio_other++;
  }
}

static void usage(void) {
  fputs("usage: vmm --bare FILE [--mem MIB]\n"
        "       vmm --kernel IMAGE [--initrd FILE] [--dtb FILE] [--mem MIB] [--append CMDLINE] [--dump-dtb FILE]\n",
        stderr);
  exit(2);
}

static unsigned long align_down(unsigned long x, unsigned long a) { return x & ~(a - 1); }
static unsigned long align_up(unsigned long x, unsigned long a) { return (x + a - 1) & ~(a - 1); }

int main(int argc, char **argv) {
  const char *bare = NULL, *kernel = NULL, *initrd = NULL, *dtb = NULL, *dump_dtb = NULL;
  const char *append = DEFAULT_APPEND;
  unsigned long mem_mib = DEFAULT_MEM_MIB;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (i + 1 >= argc) usage();
    const char *v = argv[++i];
    if (strcmp(a, "--bare") == 0) bare = v;
    else if (strcmp(a, "--kernel") == 0) kernel = v;
    else if (strcmp(a, "--initrd") == 0) initrd = v;
    else if (strcmp(a, "--dtb") == 0) dtb = v;
    else if (strcmp(a, "--dump-dtb") == 0) dump_dtb = v;
    else if (strcmp(a, "--append") == 0) append = v;
    else if (strcmp(a, "--mem") == 0) {
      char *end;
      mem_mib = strtoul(v, &end, 0);
      if (*end != '\0' || mem_mib < 16 || mem_mib > 2048) die(0, "--mem %s: give 16 to 2048 MiB", v);
    } else usage();
  }
  if ((bare == NULL) == (kernel == NULL)) usage();

  /* Guest RAM: anonymous memory, faulted in as the guest touches it. */
  const size_t mem_bytes = mem_mib << 20;
  uint8_t *ram = mmap(NULL, mem_bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (ram == MAP_FAILED) die(1, "mmap of %lu MiB of guest RAM", mem_mib);

  uint64_t entry = RAM_BASE, a1 = 0;
  if (bare != NULL) {
    load_file(bare, ram, mem_bytes);
  } else {
    /* The Image header (Documentation/riscv/boot-image-header.rst): text_offset at 8, image_size at 16, "RSC\x05" at 56. */
    uint8_t *k = ram + KERNEL_OFFSET;
    size_t klen = load_file(kernel, k, mem_bytes - KERNEL_OFFSET);
    uint64_t text_offset, image_size;
    memcpy(&text_offset, k + 8, 8);
    memcpy(&image_size, k + 16, 8);
    if (klen < 64 || memcmp(k + 56, "RSC\x05", 4) != 0) die(0, "%s is not a RISC-V Linux Image (no RSC\\x05 magic at 56)", kernel);
    if (text_offset != KERNEL_OFFSET) die(0, "%s: text_offset 0x%llx, expected 0x%lx", kernel, (unsigned long long)text_offset, KERNEL_OFFSET);
    entry = RAM_BASE + KERNEL_OFFSET;

    /* The device tree in the top 2 MiB of RAM (where QEMU puts it), the initrd page-aligned just below. */
    const unsigned long dtb_off = mem_bytes - (2UL << 20);
    const size_t initrd_len = initrd != NULL ? file_size(initrd) : 0;
    const unsigned long initrd_off = align_down(dtb_off - initrd_len, 4096);
    if (initrd_off < align_up(KERNEL_OFFSET + image_size, 4096) + (8UL << 20))
      die(0, "%lu MiB of RAM is too little for the kernel, the initrd and the kernel's own use", mem_mib);
    if (initrd != NULL) load_file(initrd, ram + initrd_off, initrd_len);
    size_t dtb_len;
    if (dtb != NULL) {
      dtb_len = load_file(dtb, ram + dtb_off, 2UL << 20);
    } else {
      dtb_len = build_device_tree(ram + dtb_off, 2UL << 20, mem_bytes, append, RAM_BASE + initrd_off, RAM_BASE + initrd_off + initrd_len);
    }
    if (dump_dtb != NULL) {
      int fd = open(dump_dtb, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
      if (fd < 0 || write(fd, ram + dtb_off, dtb_len) != (ssize_t)dtb_len || close(fd) != 0) die(1, "writing %s", dump_dtb);
      return 0;
    }
    a1 = RAM_BASE + dtb_off;
  }

  int kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
  if (kvm < 0) die(1, "/dev/kvm");
  int api = ioctl(kvm, KVM_GET_API_VERSION, 0);
  if (api != KVM_API_VERSION) die(0, "KVM API version %d, expected %d", api, KVM_API_VERSION);
  int vm = ioctl(kvm, KVM_CREATE_VM, 0);
  if (vm < 0) die(1, "KVM_CREATE_VM");

  struct kvm_userspace_memory_region region = {
    .slot = 0,
    .guest_phys_addr = RAM_BASE,
    .memory_size = mem_bytes,
    .userspace_addr = (uint64_t)(uintptr_t)ram,
  };
  if (ioctl(vm, KVM_SET_USER_MEMORY_REGION, &region) != 0) die(1, "KVM_SET_USER_MEMORY_REGION");

  int vcpu = ioctl(vm, KVM_CREATE_VCPU, 0);
  if (vcpu < 0) die(1, "KVM_CREATE_VCPU");
  int run_size = ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
  if (run_size < (int)sizeof(struct kvm_run)) die(1, "KVM_GET_VCPU_MMAP_SIZE");
  struct kvm_run *run = mmap(NULL, (size_t)run_size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0);
  if (run == MAP_FAILED) die(1, "mmap of the vCPU's kvm_run");

  /* The boot protocol of both payloads: S-mode (VS-mode, to the hart), pc at the entry, a0 = hart id, a1 = device tree or 0. */
  set_checked(vcpu, CORE_REG(mode), "mode", KVM_RISCV_MODE_S);
  set_checked(vcpu, CORE_REG(regs.pc), "pc", entry);
  set_checked(vcpu, CORE_REG(regs.a0), "a0", 0);
  set_checked(vcpu, CORE_REG(regs.a1), "a1", a1);

  raw_terminal();
  for (;;) {
    if (ioctl(vcpu, KVM_RUN, 0) != 0) {
      if (errno == EINTR || errno == EAGAIN) {
        exit_counts[KVM_EXIT_INTR]++;
        continue;
      }
      die(1, "KVM_RUN");
    }
    uint32_t reason = run->exit_reason;
    exit_counts[reason <= MAX_EXIT_REASON ? reason : 0]++;
    switch (reason) {
      case KVM_EXIT_RISCV_SBI:
        if (handle_sbi(run)) {
          report_exits();
          return 0;
        }
        break;
      case KVM_EXIT_MMIO:
        handle_mmio(run);
        break;
      case KVM_EXIT_SYSTEM_EVENT:
        if (run->system_event.type == KVM_SYSTEM_EVENT_SHUTDOWN || run->system_event.type == KVM_SYSTEM_EVENT_RESET) {
          report_exits();
          return 0;
        }
        report_exits();
        die(0, "system event of type %u (not shutdown or reset)", run->system_event.type);
      case KVM_EXIT_INTR:
        break;
      case KVM_EXIT_FAIL_ENTRY:
        report_exits();
        die(0, "KVM_EXIT_FAIL_ENTRY: hardware_entry_failure_reason 0x%llx, pc 0x%llx",
            (unsigned long long)run->fail_entry.hardware_entry_failure_reason,
            (unsigned long long)get_reg(vcpu, CORE_REG(regs.pc), "pc"));
      case KVM_EXIT_INTERNAL_ERROR:
        report_exits();
        die(0, "KVM_EXIT_INTERNAL_ERROR: suberror %u, pc 0x%llx", run->internal.suberror,
            (unsigned long long)get_reg(vcpu, CORE_REG(regs.pc), "pc"));
      default: {
        const char *name = exit_name(reason);
        report_exits();
        die(0, "unexpected exit reason %u (%s) at pc 0x%llx", reason, name != NULL ? name : "not known to this VMM",
            (unsigned long long)get_reg(vcpu, CORE_REG(regs.pc), "pc"));
      }
    }
  }
}
