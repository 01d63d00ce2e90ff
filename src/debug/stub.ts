/**
 * A GDB remote stub (all-stop mode) over any byte stream: it answers the
 * packets gdb and gdb-multiarch send — registers, memory, breakpoints and
 * watchpoints (Z0-Z4), continue and single-step (c, s, vCont), threads, the
 * target description and auxv through qXfer — on a DebugTarget. The guest
 * is stopped while the debugger holds it; the target reports each stop with
 * stopped().
 */
import type { Hart } from "../cpu/riscv/hart.js";
import { DebugPoints, WatchKind } from "./points.js";
import { framePacket, fromHex, hexLe, le64Hex, PacketReader, toHex } from "./rsp.js";
import { PRIV_REG, Reg, SYSTEM_CSRS, targetXml } from "./target-xml.js";
import type { DebugTarget, StopEvent } from "./target.js";
import { gdbSignal, linuxSignal } from "./signals.js";
import { SIGTRAP } from "./held-guest.js";

/** Reply data GDB reads as "not supported". */
const UNSUPPORTED = "";

/** One debugger connection to one VM. */
export class GdbStub {
  /** Breakpoints and watchpoints the VM's run loop consults. */
  readonly points = new DebugPoints();
  private readonly reader = new PacketReader();
  private noAck = false;
  /** Whether the guest is running (a stop reply is owed). */
  private running = false;
  /** The thread registers and memory are read from: the last stop's, or the one Hg selected. */
  private gThread = 0;
  private lastStop: StopEvent = { kind: "signal", thread: 1, signal: SIGTRAP };

  /** A stub for `target` that sends its replies through `send` (latin1 text, one char per byte). */
  constructor(private readonly target: DebugTarget, private readonly send: (bytes: string) => void) {}

  /** The guest is held as `e` tells (on connection), without a reply: the debugger asks with `?`. */
  holdAt(e: StopEvent): void {
    this.lastStop = e;
    if (e.kind === "signal") this.gThread = e.thread;
  }

  /** Bytes from the debugger (latin1). */
  receive(bytes: string): void {
    for (const m of this.reader.push(bytes)) {
      if (m.kind === "interrupt") { if (this.running) this.target.interrupt(); continue; }
      if (m.kind === "bad") { if (!this.noAck) this.send("-"); continue; }
      if (!this.noAck) this.send("+");
      const reply = this.handle(m.data);
      if (reply !== undefined) this.reply(reply);
    }
  }

  /** The target stopped (or ended): tells the debugger. */
  stopped(e: StopEvent): void {
    this.running = false;
    this.holdAt(e);
    this.reply(stopReply(e));
  }

  private reply(data: string): void {
    this.send(framePacket(data));
  }

  /** The answer to one packet, or undefined when it resumed the guest (the stop reply comes later). */
  private handle(p: string): string | undefined {
    const c = p[0];
    switch (c) {
      case "?": return stopReply(this.lastStop);
      case "g": return this.readAllRegisters();
      case "G": return UNSUPPORTED;
      case "p": return this.readRegister(parseInt(p.slice(1), 16));
      case "P": return this.writeRegister(p.slice(1));
      case "m": return this.readMemory(p.slice(1));
      case "M": return this.writeMemory(p.slice(1), false);
      case "X": return this.writeMemory(p.slice(1), true);
      case "c": return this.resume(undefined, 0, p.slice(1));
      case "C": return this.resume(undefined, parseInt(p.slice(1), 16), p.slice(p.indexOf(";") + 1 || p.length));
      case "s": return this.resume(this.gThread, 0, p.slice(1));
      case "S": return this.resume(this.gThread, parseInt(p.slice(1), 16), p.slice(p.indexOf(";") + 1 || p.length));
      case "Z": case "z": return this.point(c === "Z", p.slice(1));
      case "H": return this.selectThread(p.slice(2));
      case "T": return this.target.hart(parseInt(p.slice(1), 16)) !== undefined ? "OK" : "E01";
      case "k": this.target.kill(); return undefined;
      case "D": this.target.detach(); return "OK";
      case "q": return this.query(p);
      case "Q": return this.set(p);
      case "v": return this.vPacket(p);
      default: return UNSUPPORTED;
    }
  }

  private query(p: string): string {
    if (p.startsWith("qSupported")) {
      return "PacketSize=4000;QStartNoAckMode+;qXfer:features:read+;qXfer:auxv:read+;swbreak+;hwbreak+;vContSupported+";
    }
    if (p === "qAttached") return this.target.attachedToExisting ? "1" : "0";
    if (p === "qC") return `QC${this.currentThread().toString(16)}`;
    if (p === "qfThreadInfo") return "m" + this.target.threadIds().map((t) => t.toString(16)).join(",");
    if (p === "qsThreadInfo") return "l";
    if (p.startsWith("qXfer:features:read:target.xml:")) {
      return xfer(targetXml(this.target.privileged !== undefined), p.slice("qXfer:features:read:target.xml:".length));
    }
    if (p.startsWith("qXfer:auxv:read::")) {
      const a = this.target.auxv();
      return a === undefined ? "E01" : xfer(String.fromCharCode(...a), p.slice("qXfer:auxv:read::".length));
    }
    if (p === "qSymbol::") return "OK";
    return UNSUPPORTED;
  }

  private set(p: string): string {
    if (p === "QStartNoAckMode") { this.noAck = true; return "OK"; }
    // QEMU's "maintenance packet Qqemu.PhyMemMode:1": memory packets use physical addresses.
    const phys = /^Qqemu\.PhyMemMode:([01])$/.exec(p);
    if (phys !== null && this.target.privileged !== undefined) { this.target.privileged.setPhysical(phys[1] === "1"); return "OK"; }
    return UNSUPPORTED;
  }

  private vPacket(p: string): string | undefined {
    if (p === "vCont?") return "vCont;c;C;s;S";
    if (p.startsWith("vCont;")) {
      // Actions in order; the first that names a thread or all threads decides (all-stop).
      for (const a of p.slice(6).split(";")) {
        const [act, tid] = a.split(":");
        const thread = tid === undefined || tid === "-1" ? undefined : parseInt(tid, 16);
        const sig = act.length > 1 ? parseInt(act.slice(1), 16) : 0;
        if (act[0] === "s" || act[0] === "S") return this.resume(thread ?? this.gThread, sig, "");
        if (act[0] === "c" || act[0] === "C") return this.resume(undefined, sig, "");
      }
      return "E01";
    }
    if (p.startsWith("vKill")) { this.target.kill(); return "OK"; }
    return UNSUPPORTED; // vMustReplyEmpty and the rest
  }

  /** Continues every thread, or steps thread `step` (the current one if it does not live), from `addr` if given. */
  private resume(step: number | undefined, signal: number, addr: string): undefined {
    const tid = step !== undefined && this.target.hart(step) !== undefined ? step : this.currentThread();
    const h = this.target.hart(tid);
    if (addr !== "" && h !== undefined) h.pc = BigInt("0x" + addr);
    this.running = true;
    this.target.resume({ step: step === undefined ? undefined : tid, signal: linuxSignal(signal) });
    return undefined;
  }

  private point(insert: boolean, args: string): string {
    const [type, addrHex, kindHex] = args.split(",");
    const addr = BigInt("0x" + addrHex), len = parseInt(kindHex, 16);
    const t = Number(type);
    if (t === 0 || t === 1) {
      if (insert) this.points.addBreak(addr); else this.points.removeBreak(addr);
      return "OK";
    }
    if (t >= WatchKind.Write && t <= WatchKind.Access) {
      if (insert) this.points.addWatch(t, addr, len); else this.points.removeWatch(t, addr, len);
      return "OK";
    }
    return UNSUPPORTED;
  }

  private selectThread(id: string): string {
    const t = parseInt(id, 16);
    if (t > 0 && this.target.hart(t) === undefined) return "E01";
    if (t > 0) this.gThread = t;
    return "OK";
  }

  private currentThread(): number {
    if (this.target.hart(this.gThread) !== undefined) return this.gThread;
    return this.target.threadIds()[0] ?? 1;
  }

  private readAllRegisters(): string {
    const h = this.target.hart(this.currentThread());
    if (h === undefined) return "E01";
    let s = "";
    for (let r = 0; r <= Reg.Pc; r++) s += le64Hex(registerValue(h, r));
    return s;
  }

  private readRegister(r: number): string {
    const tid = this.currentThread(), h = this.target.hart(tid), pr = this.target.privileged;
    if (h === undefined) return "E01";
    if (r >= 0 && r < Reg.Count) {
      const v = registerValue(h, r);
      return r >= Reg.Fflags ? le64Hex(v).slice(0, 8) : le64Hex(v);
    }
    if (pr === undefined) return "E01";
    if (r === PRIV_REG) return le64Hex(BigInt(pr.priv(tid)));
    const csr = SYSTEM_CSRS[r - Reg.FirstCsr];
    const v = csr === undefined ? undefined : pr.readCsr(tid, csr[1]);
    return v === undefined ? "E01" : le64Hex(v);
  }

  private writeRegister(args: string): string {
    const [n, hex] = args.split("=");
    const r = parseInt(n, 16), tid = this.currentThread(), h = this.target.hart(tid), pr = this.target.privileged;
    if (h === undefined || hex === undefined) return "E01";
    const v = hexLe(hex);
    if (pr !== undefined && r === PRIV_REG) { pr.setPriv(tid, Number(v & 3n)); return "OK"; }
    if (pr !== undefined && r >= Reg.FirstCsr && r < PRIV_REG) return pr.writeCsr(tid, SYSTEM_CSRS[r - Reg.FirstCsr][1], v) ? "OK" : "E01";
    if (!(r >= 0 && r < Reg.Count)) return "E01";
    if (r < 32) h.setX(r, v);
    else if (r === Reg.Pc) h.pc = v;
    else if (r < Reg.Fflags) { h.fi[(r - Reg.F0) * 2] = Number(BigInt.asIntN(32, v)); h.fi[(r - Reg.F0) * 2 + 1] = Number(BigInt.asIntN(32, v >> 32n)); }
    else if (r === Reg.Fflags) h.fflags = Number(v & 0x1fn);
    else if (r === Reg.Frm) h.frm = Number(v & 7n);
    else { h.fflags = Number(v & 0x1fn); h.frm = Number((v >> 5n) & 7n); }
    return "OK";
  }

  private readMemory(args: string): string {
    const [a, l] = args.split(",");
    const data = this.target.read(this.currentThread(), BigInt("0x" + a), Math.min(parseInt(l, 16), 0x800));
    return data === undefined ? "E14" : toHex(data);
  }

  private writeMemory(args: string, binary: boolean): string {
    const colon = args.indexOf(":");
    const [a, l] = args.slice(0, colon).split(",");
    const body = args.slice(colon + 1);
    const data = binary ? Uint8Array.from(body, (ch) => ch.charCodeAt(0)) : fromHex(body);
    if (data === undefined || data.length !== parseInt(l, 16)) return "E01";
    return this.target.write(this.currentThread(), BigInt("0x" + a), data) ? "OK" : "E14";
  }
}

/** Register `r` (remote numbering) of hart h as an unsigned value. */
function registerValue(h: Hart, r: number): bigint {
  if (r < 32) return h.getX(r);
  if (r === Reg.Pc) return h.pc;
  if (r < Reg.Fflags) { const i = (r - Reg.F0) * 2; return (BigInt(h.fi[i + 1] >>> 0) << 32n) | BigInt(h.fi[i] >>> 0); }
  if (r === Reg.Fflags) return BigInt(h.fflags);
  if (r === Reg.Frm) return BigInt(h.frm);
  return BigInt(h.fflags | (h.frm << 5));
}

/** The stop reply packet for a stop event. */
function stopReply(e: StopEvent): string {
  if (e.kind === "exited") return `W${(e.code & 0xff).toString(16).padStart(2, "0")}`;
  if (e.kind === "killed") return `X${gdbSignal(e.signal).toString(16).padStart(2, "0")}`;
  let s = `T${gdbSignal(e.signal).toString(16).padStart(2, "0")}thread:${e.thread.toString(16)};`;
  if (e.swbreak) s += "swbreak:;";
  if (e.watch !== undefined) s += `${e.watch.access}:${e.watch.addr.toString(16)};`;
  return s;
}

/** A qXfer read of `doc` at "offset,length": `m` and a chunk while more follows, `l` with the last one. */
function xfer(doc: string, range: string): string {
  const [o, l] = range.split(",").map((x) => parseInt(x, 16));
  const chunk = doc.slice(o, o + l);
  return (o + chunk.length >= doc.length ? "l" : "m") + chunk;
}
