/**
 * Writes docs/syscalls.md, the process VM's compatibility table, from the
 * system call table itself: every entry of the riscv64 Linux table
 * (linux-table.ts) with whether typevisor implements it, what is known to be
 * partial or refused (NOTES), and the guest test programs that call it.
 *
 *   npm run --silent syscall-doc > docs/syscalls.md
 *
 * tests/syscall-table.test.ts fails when the committed page and this output differ.
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import "../process/syscalls/index.js";
import { SYSCALLS } from "../process/syscalls/table.js";
import { LINUX_SYSCALLS } from "../process/syscalls/linux-table.js";
import { REFUSED_REASONS } from "../process/syscalls/refused.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");

/** What is known to be partial, or answered as Linux answers without the feature. */
const NOTES: Record<string, { status?: "partial" | "refused"; note: string }> = {
  mincore: { status: "refused", note: "answers ENOSYS" },
  socket: { status: "partial", note: "AF_INET/AF_INET6 TCP and UDP over the host's sockets, AF_UNIX in the run (stream sockets with a path over the host's); UDP-Lite travels as UDP datagrams, so it reaches guests of the run, not a real UDP-Lite peer; AF_NETLINK's NETLINK_ROUTE answers link and address dumps of the host's interfaces (if_nameindex, getifaddrs) and sends no notifications; no raw sockets" },
  sethostname: { status: "partial", note: "names the caller's UTS namespace: every guest process of the run until one unshares CLONE_NEWUTS, never the host" },
  setdomainname: { status: "partial", note: "as sethostname" },
  unshare: { status: "partial", note: "CLONE_NEWUTS; CLONE_FILES/CLONE_FS/CLONE_SYSVSEM only in a process with one thread; the other namespaces are EINVAL, as from a kernel built without them" },
  preadv2: { note: "RWF_NOWAIT waits for nothing on regular files and is EAGAIN on an empty pipe or socket; RWF_ATOMIC is EOPNOTSUPP; checked against the host kernel, as qemu 7.2 lacks it" },
  pwritev2: { status: "partial", note: "RWF_APPEND, RWF_DSYNC/SYNC as Linux; RWF_NOAPPEND does not undo O_APPEND; RWF_ATOMIC is EOPNOTSUPP; checked against the host kernel, as qemu 7.2 lacks it" },
  sched_setscheduler: { status: "partial", note: "policies and priorities checked and remembered per thread, not enforced (one host thread); new threads and children start as SCHED_OTHER" },
  sched_setattr: { status: "partial", note: "as sched_setscheduler; SCHED_DEADLINE parameters checked, not enforced" },
  process_vm_readv: { note: "any guest process of the run (as root may); checked against the host kernel, as qemu 7.2 lacks it" },
  process_vm_writev: { note: "any guest process of the run (as root may); checked against the host kernel, as qemu 7.2 lacks it" },
  mlock2: { note: "like mlock, nothing to lock; checked against the host kernel, as qemu 7.2 lacks it" },
  futex: { status: "partial", note: "wait/wake/requeue/bitset and PI-less ops (no PI futexes); a shared futex in shared memory or a file's pages is keyed by that memory and offset, so it reaches other processes" },
  fcntl: { status: "partial", note: "record and OFD locks exclude guest processes of one run, not host processes; no file seals; F_NOTIFY is accepted on a directory and reports nothing" },
  clock_settime: { status: "refused", note: "EPERM for CLOCK_REALTIME, as for a caller without CAP_SYS_TIME (it would set the host's clock); EINVAL for the clocks that cannot be set" },
  settimeofday: { status: "refused", note: "EPERM, as for a caller without CAP_SYS_TIME (it would set the host's clock)" },
  setpriority: { note: "the nice value is remembered per thread and reported back, not enforced (one host thread)" },
  sched_setaffinity: { note: "one CPU: a mask with CPU 0 is accepted, one without is EINVAL" },
  flock: { status: "partial", note: "excludes guest processes of one run, not host processes (Node has no flock)" },
  mknodat: { status: "partial", note: "FIFOs and regular files; device and socket nodes are EPERM" },
  ioctl: { status: "partial", note: "terminal requests on the guest's pseudo-terminals as Linux (termios, window size, job control, TIOCGPTN/TIOCSPTLCK/TIOCGPTPEER; no packet mode); on a host terminal TCSETS only switches between cooked and raw; FIONREAD, FIONBIO, FIOCLEX/FIONCLEX on any file" },
  memfd_create: { status: "partial", note: "no sealing (F_ADD_SEALS is EINVAL), no MFD_HUGETLB" },
  mmap: { status: "partial", note: "MAP_SHARED mappings of a file share their frames between the guest processes of a run (a page cache, coherent with read and write); host processes and other runs see stores at msync, munmap or exit" },
  inotify_init1: { status: "partial", note: "events of the guest's own system calls on files, in Linux's order (changes by host processes are not seen)" },
  inotify_add_watch: { status: "partial", note: "events of the guest's own system calls on files, in Linux's order (changes by host processes are not seen)" },
  signalfd4: { status: "partial", note: "reads matching signals of any thread of the process" },
  setuid: { note: "per guest process; host file access keeps the host's identity" },
  setresuid: { note: "per guest process; host file access keeps the host's identity" },
  execve: { note: "RISC-V programs in the VM; host programs run natively, as under qemu-user" },
  pidfd_open: { status: "partial", note: "guest processes only (a host pid is ESRCH); PIDFD_THREAD is accepted for a process's leader, a non-leader thread id is EINVAL" },
  pidfd_getfd: { note: "needs the target's real uid and gid (or CAP_SYS_PTRACE), as PTRACE_MODE_ATTACH_REALCREDS without a security module" },
  openat2: { status: "partial", note: "RESOLVE_* checked by a host walk before the open (a concurrent rename can slip between); RESOLVE_CACHED is always EAGAIN; tested against the host kernel (tests/openat2.test.ts), as qemu 7.2 lacks it" },
  setxattr: { status: "refused", note: "as on a file system without xattr support: arguments, lookup and namespace checks as Linux, then EOPNOTSUPP (Node has no xattr API)" },
  lsetxattr: { status: "refused", note: "as on a file system without xattr support: arguments, lookup and namespace checks as Linux, then EOPNOTSUPP (Node has no xattr API)" },
  fsetxattr: { status: "refused", note: "as on a file system without xattr support: arguments, lookup and namespace checks as Linux, then EOPNOTSUPP (Node has no xattr API)" },
  getxattr: { status: "refused", note: "as on a file system without xattr support: arguments, lookup and namespace checks as Linux, then EOPNOTSUPP (Node has no xattr API)" },
  lgetxattr: { status: "refused", note: "as on a file system without xattr support: arguments, lookup and namespace checks as Linux, then EOPNOTSUPP (Node has no xattr API)" },
  fgetxattr: { status: "refused", note: "as on a file system without xattr support: arguments, lookup and namespace checks as Linux, then EOPNOTSUPP (Node has no xattr API)" },
  removexattr: { status: "refused", note: "as on a file system without xattr support: arguments, lookup and namespace checks as Linux, then EOPNOTSUPP (Node has no xattr API)" },
  lremovexattr: { status: "refused", note: "as on a file system without xattr support: arguments, lookup and namespace checks as Linux, then EOPNOTSUPP (Node has no xattr API)" },
  fremovexattr: { status: "refused", note: "as on a file system without xattr support: arguments, lookup and namespace checks as Linux, then EOPNOTSUPP (Node has no xattr API)" },
  listxattr: { status: "refused", note: "as on a file system without xattr support: lookup errors as Linux, then an empty list (0)" },
  llistxattr: { status: "refused", note: "as on a file system without xattr support: lookup errors as Linux, then an empty list (0)" },
  flistxattr: { status: "refused", note: "as on a file system without xattr support: lookup errors as Linux, then an empty list (0)" },
  msgget: { note: "the guest processes of one run share a System V IPC namespace of their own, apart from the host's" },
  semget: { note: "the guest processes of one run share a System V IPC namespace of their own, apart from the host's" },
  shmget: { note: "the guest processes of one run share a System V IPC namespace of their own, apart from the host's" },
  msgrcv: { status: "partial", note: "MSG_COPY answers ENOSYS, as a kernel without CONFIG_CHECKPOINT_RESTORE" },
  shmctl: { note: "SHM_LOCK and SHM_UNLOCK only set and clear SHM_LOCKED (nothing is swapped)" },
};

/** Why a call outside the riscv64 table of the headers is registered. */
const EXTRA_NOTES: Record<string, string> = {
  riscv_hwprobe: "newer than Debian 12's kernel headers (Linux 6.4)",
};

/** Guest test programs (tests/guest/*.c) that call each system call by name, as a function or SYS_ number. */
function callers(): Map<string, string[]> {
  const dir = join(ROOT, "tests", "guest");
  const out = new Map<string, string[]>();
  const sources = readdirSync(dir).filter((f) => f.endsWith(".c")).sort();
  for (const f of sources) {
    const text = readFileSync(join(dir, f), "utf8");
    for (const [, name] of LINUX_SYSCALLS) {
      if (new RegExp(`\\b(${name}\\s*\\(|SYS_${name}\\b)`).test(text)) out.set(name, [...(out.get(name) ?? []), f.replace(/\.c$/, "")]);
    }
  }
  return out;
}

/** The Markdown page. */
export function syscallDoc(): string {
  const tests = callers();
  const known = new Set(LINUX_SYSCALLS.map(([nr]) => nr));
  const extra = SYSCALLS.filter((d) => d !== undefined && !known.has(d.nr)).map((d) => [d!.nr, d!.name] as const);
  const rows: string[] = [];
  let implemented = 0, partial = 0, refused = 0;
  for (const [nr, name] of [...LINUX_SYSCALLS, ...extra].sort((a, b) => a[0] - b[0])) {
    const def = SYSCALLS[nr];
    const n = REFUSED_REASONS[name] !== undefined ? { status: "refused" as const, note: REFUSED_REASONS[name] } : NOTES[name];
    const status = def === undefined ? "missing (ENOSYS)" : n?.status ?? "implemented";
    if (def !== undefined && status === "implemented") implemented++;
    if (status === "partial") partial++;
    if (status === "refused") refused++;
    const note = [known.has(nr) ? "" : EXTRA_NOTES[name] ?? "not in the riscv64 table of Debian 12's kernel headers", n?.note ?? ""].filter((s) => s !== "").join("; ");
    rows.push(`| ${nr} | ${name} | ${status} | ${note} | ${(tests.get(name) ?? []).join(", ")} |`);
  }
  const total = rows.length;
  return [
    "# System calls of the process VM",
    "",
    "Generated by `npm run --silent syscall-doc > docs/syscalls.md` from the system call table (`src/process/syscalls/`) and the riscv64",
    "Linux table of Debian 12's kernel headers (`src/process/syscalls/linux-table.ts`); `tests/syscall-table.test.ts`",
    "fails when this page and the code disagree. *Tests* are the guest programs in `tests/guest/` that call the",
    "system call (by name or `SYS_` number); each runs under qemu-riscv64 and typevisor, statically and dynamically",
    "linked, with identical output required. A call marked *missing* answers `-ENOSYS`, as a kernel built without it does.",
    "",
    `${total} entries: ${implemented} implemented, ${partial} partial, ${refused} refused, ${total - implemented - partial - refused} missing.`,
    "",
    "| nr | name | status | notes | tests |",
    "| ---: | --- | --- | --- | --- |",
    ...rows,
    "",
  ].join("\n");
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) process.stdout.write(syscallDoc());
