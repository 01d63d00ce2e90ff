import test, { describe } from "node:test";
import assert from "node:assert/strict";
import { Ram } from "../mem/ram.js";
import { Hart } from "../cpu/riscv/hart.js";
import { AddressSpace } from "./address-space.js";
import { Thread } from "./thread.js";
import { Prot } from "./vmas.js";
import type { Process } from "./process.js";
import { Frame, Siginfo, encodeFrame, encodeSiginfo, restoreFrame } from "./signal-frame.js";
import {
  SaFlag, Sig, SiCode, SignalState, TRAMPOLINE, UNBLOCKABLE, deliverPending, faultSignal, postSignal, sigbit,
  sigreturn, restoreMaskAfterDelivery,
} from "./signals.js";
import { Cause } from "../cpu/riscv/trap.js";

/** A hart whose every register holds a distinct, recognisable value. */
function patternedHart(space: AddressSpace): Hart {
  const h = new Hart(space.mmu, space.cache);
  h.pc = 0x2aaaab1234n;
  for (let i = 1; i < 32; i++) h.setX(i, (BigInt(i) << 56n) | 0x00a0b0c0d0e0f0n | BigInt(i));
  for (let i = 0; i < 32; i++) {
    h.fi[2 * i] = 0x11110000 + i;
    h.fi[2 * i + 1] = -0x22220000 - i;
  }
  h.frm = 3;
  h.fflags = 0x15;
  return h;
}

function newSpace(): AddressSpace {
  return new AddressSpace(new Ram(64 << 20));
}

const HEADER = {
  info: encodeSiginfo({ signo: Sig.SEGV, code: SiCode.SEGV_MAPERR, addr: 0xdeadbeef0, pid: 0, uid: 0 }),
  mask: (1n << 63n) | sigbit(Sig.USR2),
  stack: { sp: 0x7000_0000, flags: 1, size: 0x4000 },
};

describe("struct rt_sigframe (Linux riscv64)", () => {
  test("is 1088 bytes with the ucontext at 128 and uc_mcontext at 304", () => {
    assert.equal(Frame.Size, 1088);
    assert.equal(Frame.Uc, 128);
    assert.equal(Frame.Mcontext - Frame.Uc, 176);
    assert.equal(Frame.Mcontext % 16, 0);
    assert.equal(Frame.Sigmask - Frame.Uc, 40);
    assert.equal(Frame.Fpregs - Frame.Mcontext, 256);
    assert.equal(Frame.Fcsr - Frame.Fpregs, 256);
    assert.equal(Frame.FpReserved - Frame.Fpregs, 516);
    assert.equal(Frame.FpReserved + 12, Frame.Size);
  });

  test("puts pc in gregs slot 0, x[n] in slot n, the FP registers, fcsr, the mask and uc_stack where glibc looks", () => {
    const h = patternedHart(newSpace());
    const f = encodeFrame(h, HEADER);
    const v = new DataView(f.buffer);
    assert.equal(f.length, Frame.Size);
    assert.equal(v.getBigUint64(Frame.Gregs, true), 0x2aaaab1234n);
    for (let i = 1; i < 32; i++) assert.equal(v.getBigUint64(Frame.Gregs + 8 * i, true), h.getX(i), `x${i}`);
    assert.equal(v.getBigUint64(Frame.Gregs + 2 * 8, true), h.getX(2), "sp (REG_SP = 2)");
    for (let i = 0; i < 32; i++) {
      assert.equal(v.getInt32(Frame.Fpregs + 8 * i, true), h.fi[2 * i]);
      assert.equal(v.getInt32(Frame.Fpregs + 8 * i + 4, true), h.fi[2 * i + 1]);
    }
    assert.equal(v.getUint32(Frame.Fcsr, true), (3 << 5) | 0x15);
    assert.equal(v.getBigUint64(Frame.Sigmask, true), HEADER.mask);
    assert.equal(v.getBigUint64(Frame.StackSp, true), 0x7000_0000n);
    assert.equal(v.getInt32(Frame.StackFlags, true), 1);
    assert.equal(v.getBigUint64(Frame.StackSize, true), 0x4000n);
    assert.equal(v.getBigUint64(Frame.UcFlags, true), 0n);
    assert.equal(v.getBigUint64(Frame.UcLink, true), 0n);
    assert.deepEqual(f.subarray(0, 128), HEADER.info);
    assert.deepEqual([...f.subarray(Frame.FpReserved, Frame.Size)], new Array(12).fill(0));
  });

  test("round-trips every register, the FP state, the mask and the stack through restoreFrame", () => {
    const space = newSpace();
    const a = patternedHart(space);
    const f = encodeFrame(a, HEADER);
    const b = new Hart(space.mmu, space.cache);
    const d = restoreFrame(b, f);
    assert.ok(d);
    assert.equal(b.pc, a.pc);
    for (let i = 1; i < 32; i++) assert.equal(b.getX(i), a.getX(i));
    assert.deepEqual([...b.fi], [...a.fi]);
    assert.equal(b.frm, 3);
    assert.equal(b.fflags, 0x15);
    assert.equal(d.mask, HEADER.mask);
    assert.deepEqual(d.stack, HEADER.stack);
  });

  test("takes a handler's edits to the saved registers", () => {
    const space = newSpace();
    const a = patternedHart(space);
    const f = encodeFrame(a, HEADER);
    const v = new DataView(f.buffer);
    v.setBigUint64(Frame.Gregs, 0x1000n + 4n, true);
    v.setBigUint64(Frame.Gregs + 10 * 8, 0xffffffffffffffffn, true);
    v.setUint32(Frame.Fcsr, 0xff, true);
    const b = new Hart(space.mmu, space.cache);
    restoreFrame(b, f);
    assert.equal(b.pc, 0x1004n);
    assert.equal(b.getX(10), 0xffffffffffffffffn);
    assert.equal(b.frm, 7);
    assert.equal(b.fflags, 0x1f);
  });

  test("is rejected, registers untouched, when a reserved FP word is not zero", () => {
    const space = newSpace();
    const f = encodeFrame(patternedHart(space), HEADER);
    new DataView(f.buffer).setUint32(Frame.FpReserved + 8, 1, true);
    const b = new Hart(space.mmu, space.cache);
    assert.equal(restoreFrame(b, f), undefined);
    assert.equal(b.pc, 0n);
    assert.equal(b.getX(1), 0n);
  });
});

describe("siginfo_t encoding", () => {
  test("a fault carries si_addr at offset 16", () => {
    const v = new DataView(encodeSiginfo({ signo: Sig.SEGV, code: SiCode.SEGV_ACCERR, addr: 0x3fffff0010, pid: 0, uid: 0 }).buffer);
    assert.equal(v.getInt32(Siginfo.Signo, true), 11);
    assert.equal(v.getInt32(Siginfo.Errno, true), 0);
    assert.equal(v.getInt32(Siginfo.Code, true), 2);
    assert.equal(v.getBigUint64(Siginfo.Addr, true), 0x3fffff0010n);
  });

  test("kill and tgkill carry si_pid at 16 and si_uid at 20", () => {
    const v = new DataView(encodeSiginfo({ signo: Sig.USR1, code: SiCode.SI_TKILL, addr: 0, pid: 4321, uid: 1000 }).buffer);
    assert.equal(v.getInt32(Siginfo.Code, true), -6);
    assert.equal(v.getInt32(Siginfo.Pid, true), 4321);
    assert.equal(v.getUint32(Siginfo.Uid, true), 1000);
  });

  test("a raw siginfo from rt_sigqueueinfo is kept byte for byte, except si_signo", () => {
    const raw = new Uint8Array(128).map((_, i) => i);
    const out = encodeSiginfo({ signo: Sig.USR2, code: 0, addr: 0, pid: 0, uid: 0, info: raw });
    assert.equal(new DataView(out.buffer).getInt32(0, true), 12);
    assert.deepEqual(out.subarray(4), raw.subarray(4));
  });
});

// ---------------------------------------------------------------------------
// Delivery, on a stand-in process: just what signals.ts touches.

const STACK_LO = 0x100000, STACK_HI = 0x200000;
const ALT_LO = 0x300000, ALT_SIZE = 0x10000;

interface FakeProcess {
  pid: number;
  space: AddressSpace;
  signals: SignalState;
  threads: Thread[];
  exited: boolean;
  killedBy: number;
  /** No debugger is attached (signals.ts asks the kernel's). */
  kernel: { debugger: undefined };
  kill(sig: number): void;
  notify(): void;
}

function setup(): { p: Process; fake: FakeProcess; t: Thread } {
  const space = newSpace();
  space.map(STACK_LO, STACK_HI - STACK_LO, Prot.Read | Prot.Write, "[stack]");
  space.map(ALT_LO, ALT_SIZE, Prot.Read | Prot.Write, "alt");
  const t = new Thread(500, new Hart(space.mmu, space.cache));
  t.hart.setX(2, BigInt(STACK_HI - 0x100));
  t.hart.pc = 0x1000n;
  const fake: FakeProcess = {
    pid: 500, space, signals: new SignalState(), threads: [t], exited: false, killedBy: 0, kernel: { debugger: undefined },
    kill(sig) { this.exited = true; this.killedBy = sig; },
    notify() {},
  };
  return { p: fake as unknown as Process, fake, t };
}

function handle(p: Process, sig: number, handler: number, flags = 0, mask = 0n): void {
  Object.assign(p.signals.actions[sig], { handler, flags, mask });
}

function send(p: Process, t: Thread | undefined, signo: number): void {
  postSignal(p, t, { signo, code: SiCode.SI_TKILL, addr: 0, pid: 500, uid: 0 });
}

function sp(t: Thread): number {
  return Number(t.hart.getX(2));
}

describe("signal delivery", () => {
  test("enters the handler with a0..a2, ra at the trampoline and a 16-byte-aligned frame below sp", () => {
    const { p, t } = setup();
    handle(p, Sig.USR1, 0x5000, SaFlag.SIGINFO);
    const sp0 = sp(t);
    send(p, t, Sig.USR1);
    deliverPending(p, t);
    const frame = sp(t);
    assert.equal(frame, (sp0 - Frame.Size) & ~15);
    assert.equal(t.hart.pc, 0x5000n);
    assert.equal(t.hart.getX(1), BigInt(TRAMPOLINE));
    assert.equal(t.hart.getX(10), 10n);
    assert.equal(t.hart.getX(11), BigInt(frame));
    assert.equal(t.hart.getX(12), BigInt(frame + Frame.Uc));
    assert.equal(p.space.readU32(TRAMPOLINE), 0x08b00893, "li a7, 139");
    assert.equal(p.space.readU32(TRAMPOLINE + 4), 0x00000073, "ecall");
    assert.equal(p.space.readU64(frame + Frame.Gregs), 0x1000);
  });

  test("blocks sa_mask and the signal itself in the handler and restores the mask on rt_sigreturn", () => {
    const { p, t } = setup();
    t.sigmask = sigbit(Sig.HUP);
    handle(p, Sig.USR1, 0x5000, 0, sigbit(Sig.USR2) | UNBLOCKABLE);
    send(p, t, Sig.USR1);
    deliverPending(p, t);
    assert.equal(t.sigmask, sigbit(Sig.HUP) | sigbit(Sig.USR1) | sigbit(Sig.USR2));
    send(p, t, Sig.USR2);
    deliverPending(p, t);
    assert.equal(t.hart.pc, 0x5000n, "USR2 waits: it is in USR1's sa_mask");
    sigreturn(p, t);
    assert.equal(t.sigmask, sigbit(Sig.HUP));
    assert.equal(t.hart.pc, 0x1000n);
    assert.equal(sp(t), STACK_HI - 0x100);
  });

  test("with SA_NODEFER leaves the signal unblocked", () => {
    const { p, t } = setup();
    handle(p, Sig.USR1, 0x5000, SaFlag.NODEFER);
    send(p, t, Sig.USR1);
    deliverPending(p, t);
    assert.equal(t.sigmask, 0n);
  });

  test("nests one frame per deliverable signal, lowest number first, so the highest runs first", () => {
    const { p, t } = setup();
    handle(p, Sig.HUP, 0x1100);
    handle(p, Sig.USR2, 0x1200);
    handle(p, Sig.TERM, 0x1500);
    t.sigmask = sigbit(Sig.HUP) | sigbit(Sig.USR2) | sigbit(Sig.TERM);
    for (const s of [Sig.TERM, Sig.USR2, Sig.HUP]) send(p, t, s);
    t.sigmask = 0n;
    deliverPending(p, t);
    const order: bigint[] = [t.hart.pc];
    for (let i = 0; i < 3; i++) { sigreturn(p, t); order.push(t.hart.pc); }
    assert.deepEqual(order, [0x1500n, 0x1200n, 0x1100n, 0x1000n]);
    assert.equal(t.sigmask, 0n);
  });

  test("delivers a pending synchronous fault before lower-numbered signals", () => {
    const { p, t } = setup();
    handle(p, Sig.HUP, 0x1100);
    handle(p, Sig.SEGV, 0x1b00);
    t.sigmask = sigbit(Sig.HUP);
    send(p, t, Sig.HUP);
    t.sigmask = 0n;
    t.hart.trapCause = Cause.LoadPageFault;
    t.hart.trapTvalLo = 0x40;
    faultSignal(p, t);
    sigreturn(p, t); // the HUP handler, set up last, ran first
    assert.equal(t.hart.pc, 0x1b00n);
    const info = p.space.read(t.hart.xl[11] >>> 0, 128);
    const v = new DataView(info.buffer);
    assert.equal(v.getInt32(Siginfo.Code, true), SiCode.SEGV_MAPERR);
    assert.equal(v.getBigUint64(Siginfo.Addr, true), 0x40n);
  });

  test("SA_RESETHAND reverts the disposition to SIG_DFL once the handler is entered", () => {
    const { p, t } = setup();
    handle(p, Sig.USR1, 0x5000, SaFlag.RESETHAND);
    send(p, t, Sig.USR1);
    deliverPending(p, t);
    assert.equal(p.signals.actions[Sig.USR1].handler, 0);
    assert.equal(t.hart.pc, 0x5000n);
  });

  test("SA_ONSTACK switches to the alternate stack, and a nested frame stays on it", () => {
    const { p, t } = setup();
    t.altstack = { sp: ALT_LO, size: ALT_SIZE, flags: 0 };
    handle(p, Sig.USR1, 0x5000, SaFlag.ONSTACK);
    handle(p, Sig.USR2, 0x6000, SaFlag.ONSTACK);
    send(p, t, Sig.USR1);
    deliverPending(p, t);
    const outer = sp(t);
    assert.equal(outer, (ALT_LO + ALT_SIZE - Frame.Size) & ~15);
    assert.equal(p.space.readU32(outer + Frame.StackFlags), 0, "not on the alternate stack when the signal came");
    send(p, t, Sig.USR2);
    deliverPending(p, t);
    assert.equal(sp(t), (outer - Frame.Size) & ~15);
    assert.equal(p.space.readU32(sp(t) + Frame.StackFlags), 1, "SS_ONSTACK");
  });

  test("a frame that would overflow the alternate stack becomes a fatal SIGSEGV", () => {
    const { p, fake, t } = setup();
    t.altstack = { sp: ALT_LO, size: ALT_SIZE, flags: 0 };
    t.hart.setX(2, BigInt(ALT_LO + 256));
    handle(p, Sig.USR1, 0x5000, SaFlag.ONSTACK);
    send(p, t, Sig.USR1);
    deliverPending(p, t);
    assert.equal(fake.killedBy, Sig.SEGV);
  });

  test("a fault while its signal is blocked kills the process even with a handler", () => {
    const { p, fake, t } = setup();
    handle(p, Sig.SEGV, 0x5000);
    t.sigmask = sigbit(Sig.SEGV);
    t.hart.trapCause = Cause.StorePageFault;
    faultSignal(p, t);
    assert.equal(fake.killedBy, Sig.SEGV);
  });

  test("an ignored signal is discarded, a blocked one stays pending", () => {
    const { p, t } = setup();
    handle(p, Sig.USR1, 1);
    send(p, t, Sig.USR1);
    assert.equal(t.pending.length, 0);
    t.sigmask = sigbit(Sig.USR1);
    send(p, t, Sig.USR1);
    send(p, t, Sig.USR1);
    assert.equal(t.pending.length, 1, "standard signals do not queue");
  });

  test("an uncaught terminating signal kills at once; SIGCHLD's default is to ignore", () => {
    const { p, fake, t } = setup();
    send(p, t, Sig.CHLD);
    assert.equal(fake.exited, false);
    send(p, undefined, Sig.TERM);
    assert.equal(fake.killedBy, Sig.TERM);
  });

  test("after sigsuspend the frame saves the caller's mask and the handler runs under the temporary one", () => {
    const { p, t } = setup();
    handle(p, Sig.USR1, 0x5000);
    t.sigmask = sigbit(Sig.USR1);
    send(p, t, Sig.USR1);
    restoreMaskAfterDelivery(p, t, t.sigmask);
    t.sigmask = sigbit(Sig.USR2);
    deliverPending(p, t);
    assert.equal(t.sigmask, sigbit(Sig.USR2) | sigbit(Sig.USR1));
    sigreturn(p, t);
    assert.equal(t.sigmask, sigbit(Sig.USR1));
  });

  test("a blocked read cut short by a handler with SA_RESTART goes back to its ecall with its a0", () => {
    const { p, t } = setup();
    handle(p, Sig.USR1, 0x5000, SaFlag.RESTART);
    const h = t.hart;
    h.xl[17] = 63; // read
    h.setX(10, 3n);
    h.pc = 0x1004n; // already past the ecall, as Process.syscall leaves it
    t.state = 1; // Blocked
    let interrupted = false;
    t.interrupt = () => { interrupted = true; };
    send(p, t, Sig.USR1);
    assert.ok(interrupted);
    h.setX(10, -4n); // the wait ends with -EINTR
    t.state = 0;
    deliverPending(p, t);
    sigreturn(p, t);
    assert.equal(h.pc, 0x1000n);
    assert.equal(h.getX(10), 3n);
  });

  test("without SA_RESTART the interrupted call returns -EINTR", () => {
    const { p, t } = setup();
    handle(p, Sig.USR1, 0x5000);
    const h = t.hart;
    h.xl[17] = 63;
    h.setX(10, 3n);
    h.pc = 0x1004n;
    t.state = 1;
    t.interrupt = () => {};
    send(p, t, Sig.USR1);
    h.setX(10, -4n);
    t.state = 0;
    deliverPending(p, t);
    sigreturn(p, t);
    assert.equal(h.pc, 0x1004n);
    assert.equal(h.getX(10), BigInt.asUintN(64, -4n));
  });

  test("rt_sigreturn on a frame with nonzero reserved words raises SIGSEGV", () => {
    const { p, fake, t } = setup();
    handle(p, Sig.USR1, 0x5000);
    send(p, t, Sig.USR1);
    deliverPending(p, t);
    p.space.writeU32(sp(t) + Frame.FpReserved, 7);
    sigreturn(p, t);
    deliverPending(p, t);
    assert.equal(fake.killedBy, Sig.SEGV);
  });
});
