/**
 * The SiFive test finisher ("sifive,test0", QEMU's virt board at 0x100000):
 * a 32-bit register that ends the machine. The low 16 bits select the
 * action (0x5555 pass, 0x3333 fail with the code in the high 16 bits, 0x7777
 * reset), as QEMU's hw/misc/sifive_test documents its interface.
 */
import type { Device } from "../device.js";

/** Size of the register window on the virt board. */
export const SIFIVE_TEST_SIZE = 0x1000;

/** Values of the low 16 bits. */
export const enum FinisherCmd {
  Fail = 0x3333,
  Pass = 0x5555,
  Reset = 0x7777,
}

/** What the guest asked for. */
export type FinisherEvent = { kind: "poweroff"; code: number } | { kind: "reset" };

/** The finisher's state in a snapshot: it has none (a write acts at once). */
export type SifiveTestState = Record<string, never>;

export class SifiveTest implements Device {
  readonly name = "test";
  readonly size = SIFIVE_TEST_SIZE;

  constructor(private readonly onEvent: (e: FinisherEvent) => void) {}

  /** Its state, for a snapshot: empty. */
  save(): SifiveTestState {
    return {};
  }

  /** Nothing to take: the finisher keeps no state. */
  restore(_s: SifiveTestState): void {}

  read(_offset: number, _width: number): number {
    return 0;
  }

  write(offset: number, width: number, value: number): void {
    // OpenSBI's driver writes the 16-bit command alone (writew); then the code is 0.
    if (offset !== 0 || (width !== 4 && width !== 2)) return;
    if (width === 2) value &= 0xffff;
    const cmd = value & 0xffff;
    if (cmd === FinisherCmd.Pass) this.onEvent({ kind: "poweroff", code: 0 });
    else if (cmd === FinisherCmd.Fail) this.onEvent({ kind: "poweroff", code: value >>> 16 });
    else if (cmd === FinisherCmd.Reset) this.onEvent({ kind: "reset" });
  }
}
