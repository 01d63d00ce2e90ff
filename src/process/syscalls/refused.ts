/**
 * System calls answered the way Linux answers when the feature behind them is
 * absent, each with the reason: the kernel configurations Linux offers
 * without them (their calls are then sys_ni_syscall: ENOSYS), and the
 * privileged calls that would act on the host itself (mounting, rebooting,
 * loading modules), which answer EPERM as for a process without the
 * capability. docs/syscalls.md lists them as "refused" with these reasons.
 */
import { define } from "./table.js";
import { Errno } from "./errno.js";

/** Why each refused call is refused, by name (read by the syscall-doc generator). */
export const REFUSED_REASONS: Record<string, string> = {};

/** Registers calls `names` (number, name) as answering -`errno`, for `reason`. */
function refuse(errno: number, reason: string, calls: [number, string][]): void {
  for (const [nr, name] of calls) {
    define(nr, name, "", () => -errno);
    REFUSED_REASONS[name] = `${errno === Errno.ENOSYS ? "ENOSYS" : "EPERM"}, ${reason}`;
  }
}

refuse(Errno.ENOSYS, "as a kernel without CONFIG_AIO (POSIX AIO in glibc runs on threads instead)",
  [[0, "io_setup"], [1, "io_destroy"], [2, "io_submit"], [3, "io_cancel"], [4, "io_getevents"], [292, "io_pgetevents"]]);
refuse(Errno.ENOSYS, "as a kernel without CONFIG_IO_URING",
  [[425, "io_uring_setup"], [426, "io_uring_enter"], [427, "io_uring_register"]]);
refuse(Errno.ENOSYS, "as a kernel without CONFIG_PROFILING (the call is gone from Linux 6.10)", [[18, "lookup_dcookie"]]);
refuse(Errno.ENOSYS, "as every kernel since Linux 3.1", [[42, "nfsservctl"]]);
refuse(Errno.ENOSYS, "as a kernel without CONFIG_QUOTACTL (no disk quotas)", [[60, "quotactl"], [443, "quotactl_fd"]]);
refuse(Errno.ENOSYS, "as a kernel without CONFIG_BSD_PROCESS_ACCT", [[89, "acct"]]);
refuse(Errno.ENOSYS, "as a kernel without CONFIG_KEXEC", [[104, "kexec_load"], [294, "kexec_file_load"]]);
refuse(Errno.ENOSYS, "as a kernel without CONFIG_MODULES", [[105, "init_module"], [106, "delete_module"], [273, "finit_module"]]);
refuse(Errno.ENOSYS, "as a kernel without CONFIG_POSIX_MQUEUE",
  [[180, "mq_open"], [181, "mq_unlink"], [182, "mq_timedsend"], [183, "mq_timedreceive"], [184, "mq_notify"], [185, "mq_getsetattr"]]);
refuse(Errno.ENOSYS, "as a kernel without CONFIG_KEYS", [[217, "add_key"], [218, "request_key"], [219, "keyctl"]]);
refuse(Errno.ENOSYS, "as a kernel without CONFIG_SWAP", [[224, "swapon"], [225, "swapoff"]]);
refuse(Errno.ENOSYS, "as a kernel without CONFIG_NUMA (one memory node)", [[235, "mbind"], [236, "get_mempolicy"], [237, "set_mempolicy"],
  [238, "migrate_pages"], [239, "move_pages"], [450, "set_mempolicy_home_node"]]);
refuse(Errno.ENOSYS, "as a kernel without CONFIG_PERF_EVENTS", [[241, "perf_event_open"]]);
refuse(Errno.ENOSYS, "as a kernel without CONFIG_FANOTIFY (inotify is there)", [[262, "fanotify_init"], [263, "fanotify_mark"]]);
refuse(Errno.ENOSYS, "as a kernel without CONFIG_FHANDLE", [[264, "name_to_handle_at"], [265, "open_by_handle_at"]]);
refuse(Errno.ENOSYS, "as a kernel without CONFIG_KCMP", [[272, "kcmp"]]);
refuse(Errno.ENOSYS, "as a kernel without CONFIG_SECCOMP (no system call filters)", [[277, "seccomp"]]);
refuse(Errno.ENOSYS, "as a kernel without CONFIG_BPF_SYSCALL", [[280, "bpf"]]);
refuse(Errno.ENOSYS, "as a kernel without CONFIG_USERFAULTFD", [[282, "userfaultfd"]]);
refuse(Errno.ENOSYS, "as a kernel without CONFIG_SECURITY_LANDLOCK",
  [[444, "landlock_create_ruleset"], [445, "landlock_add_rule"], [446, "landlock_restrict_self"]]);
refuse(Errno.ENOSYS, "as a kernel without CONFIG_SECRETMEM", [[447, "memfd_secret"]]);
refuse(Errno.ENOSYS, "as a kernel without CONFIG_ADVISE_SYSCALLS' process_madvise", [[440, "process_madvise"]]);
refuse(Errno.EPERM, "as for a process without CAP_SYS_ADMIN: the guest's files are the host's, and it may not change their mounts",
  [[39, "umount2"], [40, "mount"], [41, "pivot_root"], [428, "open_tree"], [429, "move_mount"], [430, "fsopen"],
    [431, "fsconfig"], [432, "fsmount"], [433, "fspick"], [442, "mount_setattr"]]);
refuse(Errno.EPERM, "as for a process without CAP_SYS_CHROOT: the guest sees the host's file system from its root", [[51, "chroot"]]);
refuse(Errno.EPERM, "as for a process without CAP_SYS_TTY_CONFIG", [[58, "vhangup"]]);
refuse(Errno.EPERM, "as for a process without CAP_SYSLOG under kernel.dmesg_restrict=1 (the host's kernel log is not the guest's)", [[116, "syslog"]]);
refuse(Errno.EPERM, "as for a process without CAP_SYS_BOOT: the guest may not restart the host", [[142, "reboot"]]);
