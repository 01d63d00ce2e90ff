/**
 * Sessions and controlling terminals (Linux's drivers/tty/tty_jobctrl.c) for
 * the guest's pseudo-terminals: a session leader without a terminal gets
 * one by opening a slave without O_NOCTTY or by TIOCSCTTY; /dev/tty then
 * names it; TIOCNOTTY, the leader's exit and the master's close take it
 * away again with SIGHUP (and SIGCONT) as Linux sends them.
 *
 * The first process is in typevisor's own session and has the host's
 * controlling terminal, if any ("host"); setsid() leaves it without one.
 */
import * as fs from "node:fs";
import { Errno } from "./syscalls/errno.js";
import { postSignal, SiCode, Sig } from "./signals.js";
import type { Kernel } from "./kernel.js";
import type { Process } from "./process.js";
import type { Pty, TtyHost } from "./pty.js";

/** A process's controlling terminal: a guest pty, the host's terminal, or none. */
export type ControllingTty = Pty | "host" | undefined;

/** typevisor's own session id (field 6 of /proc/self/stat), which the first process is in. */
export function hostSession(): number {
  try {
    const stat = fs.readFileSync("/proc/self/stat", "utf8");
    return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[3]);
  } catch {
    return process.pid; // not Linux: the first process leads a session of its own
  }
}

/** Sends `signo` from the kernel (SI_KERNEL) to the live processes of group `pgrp`. */
function signalGroup(kernel: Kernel, pgrp: number, signo: number): void {
  for (const q of kernel.processes) {
    if (q.pgid === pgrp && !q.exited) postSignal(q, undefined, { signo, code: SiCode.SI_KERNEL, addr: 0, pid: 0, uid: 0 });
  }
}

/** Every live process of the kernel that has `pty` as its controlling terminal loses it. */
function detachAll(kernel: Kernel, pty: Pty): void {
  for (const q of kernel.processes) if (q.ctty === pty) q.ctty = undefined;
}

const hosts = new WeakMap<Kernel, TtyHost>();

/** What the ptys of `kernel`'s processes use to signal them. */
export function ttyHostOf(kernel: Kernel): TtyHost {
  let h = hosts.get(kernel);
  if (h === undefined) {
    h = {
      signalGroup: (pgrp, signo) => signalGroup(kernel, pgrp, signo),
      // tty_vhangup's tty_signal_session_leader: the leader gets SIGHUP and SIGCONT.
      hangup: (pty) => {
        const leader = pty.session === undefined ? undefined : kernel.find(pty.session);
        detachAll(kernel, pty);
        if (leader !== undefined && !leader.exited) {
          for (const signo of [Sig.HUP, Sig.CONT]) postSignal(leader, undefined, { signo, code: SiCode.SI_KERNEL, addr: 0, pid: 0, uid: 0 });
        }
      },
    };
    hosts.set(kernel, h);
  }
  return h;
}

/** Whether `p` leads its session. */
function leads(p: Process): boolean {
  return p.sid === p.pid;
}

/** Makes `pty` the controlling terminal of `p`'s session, with `p`'s group in the foreground. */
function attach(p: Process, pty: Pty): void {
  if (pty.session !== undefined) detachAll(p.kernel, pty);
  pty.session = p.sid;
  pty.pgrp = p.pgid;
  p.ctty = pty;
}

/** An open of the slave without O_NOCTTY: a session leader with no terminal gets this one, if it is free. */
export function openedWithoutNoctty(p: Process, pty: Pty): void {
  if (leads(p) && p.ctty === undefined && pty.session === undefined) attach(p, pty);
}

/** TIOCSCTTY: `steal` (with CAP_SYS_ADMIN) takes a terminal another session controls. */
export function setControllingTty(p: Process, pty: Pty, steal: boolean): number {
  if (p.ctty === pty) return 0;
  if (!leads(p) || p.ctty !== undefined) return -Errno.EPERM;
  if (pty.session !== undefined && !(steal && p.creds.euid === 0)) return -Errno.EPERM;
  attach(p, pty);
  return 0;
}

/**
 * Ends the association of `p`'s session with its terminal (disassociate_ctty):
 * the foreground group gets SIGHUP, and SIGCONT unless the leader is exiting.
 */
function disassociate(p: Process, exiting: boolean): void {
  const pty = p.ctty;
  if (pty === undefined || pty === "host") return;
  const pgrp = pty.pgrp;
  if (pgrp !== undefined) {
    const kernel = p.kernel;
    signalGroup(kernel, pgrp, Sig.HUP);
    if (!exiting) signalGroup(kernel, pgrp, Sig.CONT);
  }
  pty.session = pty.pgrp = undefined;
  for (const q of p.kernel.processes) if (q.sid === p.sid && q.ctty === pty) q.ctty = undefined;
}

/** TIOCNOTTY on `pty`: a leader gives the terminal up for its whole session, another process only for itself. */
export function dropControllingTty(p: Process, pty: Pty): number {
  if (p.ctty !== pty) return -Errno.ENOTTY;
  if (leads(p)) disassociate(p, false);
  else p.ctty = undefined;
  return 0;
}

/** A session leader ended: its terminal's foreground group is hung up. */
export function sessionLeaderExited(p: Process): void {
  if (leads(p)) disassociate(p, true);
}

/** setsid(): a new session and group led by `p`, with no controlling terminal; -EPERM for a group leader. */
export function newSession(p: Process): number {
  if (p.pgid === p.pid) return -Errno.EPERM;
  p.pgid = p.sid = p.pid;
  p.ctty = undefined;
  return p.pid;
}
