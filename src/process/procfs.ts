/**
 * The /proc files that must describe the guest, not the host process running
 * it (as qemu-user fakes them too): the memory map, the command line and the
 * CPU description. Everything else under /proc is the host's.
 */
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

/** Contents of the guest's view of `guestPath`, or undefined when the host file is used. */
export function procFile(p: Process, guestPath: string): Uint8Array | undefined {
  const self = guestPath.replace(new RegExp(`^/proc/(self|${p.pid})/`), "/proc/self/");
  switch (self) {
    case "/proc/self/maps": return Buffer.from(maps(p));
    case "/proc/self/cmdline": return Buffer.from(p.options.argv.map((a) => a + "\0").join(""));
    case "/proc/cpuinfo": return Buffer.from(cpuinfo());
  }
  return undefined;
}
