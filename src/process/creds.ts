/**
 * A guest process's credentials: real/effective/saved/filesystem user and
 * group ids, supplementary groups and capability sets, as Linux's `struct
 * cred` keeps them. The first process starts with the host process's (what
 * qemu-user reports, since it passes these calls through); fork copies them
 * and the set*id and capset calls change only the calling guest process,
 * with Linux's permission rules (include/linux/cred.h, kernel/sys.c,
 * security/commoncap.c).
 *
 * They are emulated per guest process rather than applied to the host: every
 * guest process of a run lives in the one host process, so a host setuid
 * would change all of them at once. Host file access keeps using the host
 * process's identity.
 */
import { readFileSync } from "node:fs";

/** Capability numbers the uid rules look at (linux/capability.h). */
export const enum Cap {
  CHOWN = 0, DAC_OVERRIDE = 1, DAC_READ_SEARCH = 2, FOWNER = 3, FSETID = 4,
  SETGID = 6, SETUID = 7, SETPCAP = 8, LINUX_IMMUTABLE = 9, SYS_ADMIN = 21, MKNOD = 27, MAC_OVERRIDE = 32,
}

/** Capabilities the filesystem uid switches on and off (CAP_FS_MASK). */
const CAP_FS_MASK = [Cap.CHOWN, Cap.DAC_OVERRIDE, Cap.DAC_READ_SEARCH, Cap.FOWNER, Cap.FSETID,
  Cap.LINUX_IMMUTABLE, Cap.MKNOD, Cap.MAC_OVERRIDE].reduce((m, c) => m | (1n << BigInt(c)), 0n);

/** The ids and capability sets of one process. */
export class Creds {
  ruid = 0; euid = 0; suid = 0; fsuid = 0;
  rgid = 0; egid = 0; sgid = 0; fsgid = 0;
  groups: number[] = [];
  /** Effective, permitted and inheritable capability sets (64 bits each). */
  capEff = 0n; capPrm = 0n; capInh = 0n;
  /** The bounding set: what an execve as root may gain (PR_CAPBSET_DROP removes from it). */
  capBnd = 0n;
  /** PR_SET_KEEPCAPS: losing uid 0 keeps the permitted set. Cleared by execve. */
  keepCaps = false;

  /** The host process's credentials (Linux: /proc/self/status; elsewhere uid/gid only, root with every capability). */
  static ofHost(): Creds {
    const c = new Creds();
    const status = readStatus();
    const ids = (key: string, fallback: number): number[] => {
      const m = status.match(new RegExp(`^${key}:\\s*(.*)$`, "m"));
      return m ? m[1].trim().split(/\s+/).filter((s) => s !== "").map(Number) : [fallback, fallback, fallback, fallback];
    };
    [c.ruid, c.euid, c.suid, c.fsuid] = ids("Uid", process.getuid?.() ?? 0);
    [c.rgid, c.egid, c.sgid, c.fsgid] = ids("Gid", process.getgid?.() ?? 0);
    const groups = status.match(/^Groups:(.*)$/m);
    c.groups = groups ? groups[1].trim().split(/\s+/).filter((s) => s !== "").map(Number) : (process.getgroups?.() ?? []);
    const cap = (key: string): bigint => {
      const m = status.match(new RegExp(`^${key}:\\s*([0-9a-f]+)$`, "m"));
      return m ? BigInt("0x" + m[1]) : (c.euid === 0 ? 0x1ffffffffffn : 0n);
    };
    c.capEff = cap("CapEff"); c.capPrm = cap("CapPrm"); c.capInh = cap("CapInh"); c.capBnd = cap("CapBnd");
    return c;
  }

  /** A copy (fork). */
  clone(): Creds {
    const c = Object.assign(new Creds(), this);
    c.groups = [...this.groups];
    return c;
  }

  /** Whether capability `cap` is in the effective set. */
  capable(cap: Cap): boolean {
    return (this.capEff >> BigInt(cap)) & 1n ? true : false;
  }

  /**
   * Applies a change of user ids with the capability side effects of
   * cap_emulate_setxuid and the fsuid fix-up: losing uid 0 everywhere drops
   * the permitted and effective sets, leaving euid 0 drops the effective
   * set, regaining euid 0 restores it from the permitted set.
   */
  setUids(ruid: number, euid: number, suid: number, fsuid: number): void {
    const wasRoot = this.ruid === 0 || this.euid === 0 || this.suid === 0;
    const oldEuid = this.euid, oldFsuid = this.fsuid;
    this.ruid = ruid; this.euid = euid; this.suid = suid; this.fsuid = fsuid;
    if (wasRoot && ruid !== 0 && euid !== 0 && suid !== 0 && !this.keepCaps) { this.capPrm = 0n; this.capEff = 0n; }
    if (oldEuid === 0 && euid !== 0) this.capEff = 0n;
    if (oldEuid !== 0 && euid === 0) this.capEff = this.capPrm;
    this.fixFsCaps(oldFsuid);
  }

  /** Sets the filesystem uid alone (setfsuid), with the CAP_FS_MASK adjustment. */
  setFsuid(fsuid: number): void {
    const old = this.fsuid;
    this.fsuid = fsuid;
    this.fixFsCaps(old);
  }

  /**
   * The change an execve makes (no set-user-ID or file capabilities, as under
   * qemu-user): saved and fs ids follow the effective ones; root gets
   * inheritable|bounding permitted (effective too when euid is 0), anyone else
   * loses every capability; PR_SET_KEEPCAPS is cleared.
   */
  exec(): void {
    this.suid = this.fsuid = this.euid;
    this.sgid = this.fsgid = this.egid;
    if (this.euid === 0 || this.ruid === 0) {
      this.capPrm = this.capInh | this.capBnd;
      this.capEff = this.euid === 0 ? this.capPrm : 0n;
    } else {
      this.capPrm = 0n; this.capEff = 0n;
    }
    this.keepCaps = false;
  }

  private fixFsCaps(oldFsuid: number): void {
    if (oldFsuid === 0 && this.fsuid !== 0) this.capEff &= ~CAP_FS_MASK;
    if (oldFsuid !== 0 && this.fsuid === 0) this.capEff |= this.capPrm & CAP_FS_MASK;
  }
}

function readStatus(): string {
  if (process.platform !== "linux") return "";
  try {
    return readFileSync("/proc/self/status", "utf8");
  } catch {
    return "";
  }
}
