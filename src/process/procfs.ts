/**
 * The /proc files that must describe the guest, not the host process running
 * it (as qemu-user fakes them too): the memory map, the command line, the
 * CPU description and the process's ids and credentials in its status. Everything else under /proc is the host's.
 */
import * as fs from "node:fs";
import type { Process } from "./process.js";

function hex(n: number, width: number): string {
  return n.toString(16).padStart(width, "0");
}

/** /proc/self/maps in the kernel's format, from the process's regions. */
function maps(p: Process): string {
  return p.space.vmas.list.map((v) => {
    const perms = (v.prot & 1 ? "r" : "-") + (v.prot & 2 ? "w" : "-") + (v.prot & 4 ? "x" : "-") + "p";
    const head = `${hex(v.start, 8)}-${hex(v.end, 8)} ${perms} 00000000 00:00 0`;
    return v.name ? `${head.padEnd(73)}${v.name}\n` : `${head}\n`;
  }).join("");
}

function cpuinfo(): string {
  return "processor\t: 0\nhart\t\t: 0\nisa\t\t: rv64imafdc_zicsr_zifencei\nmmu\t\t: sv39\nuarch\t\t: typevisor\n\n";
}

/**
 * /proc/self/status: the host's, with the lines that describe the guest
 * process replaced (ids, parent, credentials and capability sets).
 */
function status(p: Process): string {
  let host = "";
  try { host = fs.readFileSync("/proc/self/status", "utf8"); } catch { /* not Linux */ }
  const c = p.creds, cap = (v: bigint) => v.toString(16).padStart(16, "0");
  const ppid = p.parent?.pid ?? (p === p.kernel.processes[0] ? process.ppid : 1);
  const mine: Record<string, string> = {
    Tgid: `${p.pid}`, Pid: `${p.pid}`, PPid: `${ppid}`,
    Uid: `${c.ruid}\t${c.euid}\t${c.suid}\t${c.fsuid}`, Gid: `${c.rgid}\t${c.egid}\t${c.sgid}\t${c.fsgid}`,
    Groups: c.groups.length === 0 ? " " : c.groups.map((g) => `${g} `).join(""), // as the kernel prints it
    CapInh: cap(c.capInh), CapPrm: cap(c.capPrm), CapEff: cap(c.capEff), CapBnd: cap(c.capBnd),
  };
  return host.replace(/^([A-Za-z]+):(.*)$/gm, (line, key: string) => (key in mine ? `${key}:\t${mine[key]}` : line));
}

/** Contents of the guest's view of `guestPath`, or undefined when the host file is used. */
export function procFile(p: Process, guestPath: string): Uint8Array | undefined {
  const self = guestPath.replace(new RegExp(`^/proc/(self|${p.pid})/`), "/proc/self/");
  switch (self) {
    case "/proc/self/maps": return Buffer.from(maps(p));
    case "/proc/self/cmdline": return Buffer.from(p.options.argv.map((a) => a + "\0").join(""));
    case "/proc/cpuinfo": return Buffer.from(cpuinfo());
    case "/proc/self/status": return Buffer.from(status(p));
  }
  return undefined;
}
