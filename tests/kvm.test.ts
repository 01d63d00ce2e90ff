/**
 * The dual-mode hosted system VM (tests/kvm/README.md): a Linux guest with KVM
 * (images/Image-kvm, HS-mode) runs a VMM in its user space (tests/kvm/vmm.c)
 * which runs guests of its own in VS-mode on /dev/kvm, all inside typevisor's
 * system VM, and inside qemu-system-riscv64 -cpu rv64,h=true as the oracle.
 *
 * The test builds the VMM and the bare-metal nested guest with the cross
 * compiler into tests/build/kvm/, writes the outer guest's initramfs (the
 * default busybox one, followed by a second newc archive holding /vmm and
 * /nested/), boots the outer guest to its shell on each machine and there
 *   1. checks /dev/kvm and that KVM came up on the hypervisor extension;
 *   2. runs `/vmm --bare /nested/hello.bin` (tests/kvm/nested-hello.S);
 *   3. boots the default guest kernel and initramfs under the VMM, types a
 *      command at the nested shell, and powers the nested guest off.
 * The nested guests' lines must be the same on both machines.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { before, describe, test } from "node:test";
import { requireTool, ROOT } from "./build-guests.js";
import {
  BASE_INITRD, build, BUILD_DIR, KVM_KERNEL, NESTED_KERNEL, NESTED_MEMORY_MIB, QEMU_SYSTEM, session, VMM,
  type Session,
} from "./kvm-session.js";
import { runProcess, TYPEVISOR_BIN } from "./guest-run.js";

let qemuSession: Promise<Session> | undefined;
/** The QEMU session, run once for both tests. */
function qemu(): Promise<Session> {
  requireTool(QEMU_SYSTEM, "qemu-system-misc");
  qemuSession ??= session("qemu");
  return qemuSession;
}

/** The nested bare-metal guest's own lines. */
const helloLines = (out: string) => out.split("\n").filter((l) => l.startsWith("nested-hello: "));

/** Checks one machine's session; `who` names it in messages. */
function checkSession(s: Session): void {
  const who = s.engine;
  assert.equal(s.kvmCheck.status, 0, `${who}: /dev/kvm and KVM's boot messages:\n${s.kvmCheck.out}`);
  assert.match(s.kvmCheck.out, /^\/dev\/kvm is a character device$/m, `${who}: /dev/kvm exists`);
  assert.match(s.kvmCheck.out, /kvm \[\d+\]: hypervisor extension available/, `${who}: KVM found the hypervisor extension`);
  assert.match(s.kvmCheck.out, /kvm \[\d+\]: VMID \d+ bits available/, `${who}: KVM probed the VMID width`);

  assert.equal(s.bare.status, 0, `${who}: vmm --bare's exit status; output:\n${s.bare.out}`);
  assert.deepEqual(helloLines(s.bare.out), [
    "nested-hello: a bare-metal guest in VS-mode under KVM, through SBI putchar; hart 0",
    "nested-hello: KVM's SBI implements spec version 1.0",
    "nested-hello: an experimental SBI extension, forwarded to the VMM, answered error -2",
    "nested-hello: reading hstatus in VS-mode trapped with scause 2",
    "nested-hello: this line went through the 16550 UART at 0x10000000, emulated by the VMM",
    "nested-hello: shutting down through SBI SRST",
  ], `${who}: the nested bare-metal guest's lines; output:\n${s.bare.out}`);
  // Each character through SBI putchar or the UART is one exit to the VMM; the shutdown is one system event.
  const exits = /^vmm: exits: sbi=(\d+) mmio=(\d+) system_event=1$/m.exec(s.bare.out);
  assert.ok(exits, `${who}: vmm --bare's exit-count line; output:\n${s.bare.out}`);
  const uartLine = "nested-hello: this line went through the 16550 UART at 0x10000000, emulated by the VMM\n";
  const sbiChars = helloLines(s.bare.out).join("\n").length + 1 - uartLine.length;
  assert.equal(Number(exits[1]), sbiChars + 1, `${who}: one SBI exit per character printed through SBI, and one for the experimental call`);
  assert.equal(Number(exits[2]), 2 * uartLine.length, `${who}: one MMIO exit per LSR read and per THR write`);

  assert.match(s.nestedConsole, /Linux version 6\.1\.\d+/, `${who}: the nested kernel's banner`);
  assert.match(s.nestedConsole, /Kernel command line: console=hvc0 earlycon=sbi/, `${who}: the nested kernel's command line`);
  assert.equal(s.nestedAnswer.status, 0, `${who}: the nested command's status`);
  assert.match(s.nestedAnswer.out, /^nested-42\n6\.1\.\d+\n$/, `${who}: the nested command's answer`);
  assert.equal(s.nestedStatus, 0, `${who}: the VMM's exit status after the nested poweroff; nested console:\n${s.nestedConsole.slice(-2000)}`);
  assert.match(s.nestedConsole, /^vmm: exits: sbi=\d+ system_event=1$/m, `${who}: the VMM's exit-count line after the nested Linux`);
  assert.equal(s.outerStatus, 0, `${who}: the outer machine's exit status after its poweroff; console:\n${s.console.slice(-2000)}`);
}

describe("KVM in the guest kernel and a VMM in its user space (dual-mode hosted)", () => {
  before(async () => {
    assert.ok(existsSync(KVM_KERNEL), `${KVM_KERNEL} is missing: build it with 'bash images/build.sh kvm'`);
    await build();
  });

  test("the VMM's device tree for the nested Linux names its RAM and the initrd where it loads them", async () => {
    requireTool("dtc", "device-tree-compiler");
    // vmm writes the tree before it opens /dev/kvm, so typevisor's process VM can run it on the host.
    const dtb = join(BUILD_DIR, "nested-check.dtb");
    const r = await runProcess([process.execPath, TYPEVISOR_BIN, "run", VMM, "--kernel", NESTED_KERNEL, "--initrd", BASE_INITRD,
      "--mem", String(NESTED_MEMORY_MIB), "--dump-dtb", dtb], { cwd: ROOT, timeoutMs: 60_000 });
    assert.equal(r.status, 0, `vmm --dump-dtb: ${r.stderr}`);
    const dts = spawnSync("dtc", ["-I", "dtb", "-O", "dts", dtb], { encoding: "utf8" });
    rmSync(dtb, { force: true });
    assert.equal(dts.status, 0, dts.stderr);
    assert.equal(dts.stderr, "", "dtc has no warnings");
    const cells = (name: string) => {
      const m = new RegExp(`${name} = <([^>]*)>`).exec(dts.stdout);
      assert.ok(m, `${name} in\n${dts.stdout}`);
      return m[1]!.split(" ").map((x) => BigInt(x));
    };
    const u64 = (c: bigint[], i: number) => (c[2 * i]! << 32n) | c[2 * i + 1]!;
    const start = u64(cells("linux,initrd-start"), 0), end = u64(cells("linux,initrd-end"), 0);
    assert.equal(end - start, BigInt(statSync(BASE_INITRD).size), "the initrd's range is its size");
    assert.equal(start % 4096n, 0n, "the initrd starts on a page");
    const memory = cells("reg");
    assert.deepEqual([u64(memory, 0), u64(memory, 1)], [0x8000_0000n, BigInt(NESTED_MEMORY_MIB) << 20n], "/memory");
    assert.ok(end <= 0x8000_0000n + (BigInt(NESTED_MEMORY_MIB) << 20n), "the initrd is in RAM");
    assert.match(dts.stdout, /bootargs = "console=hvc0 earlycon=sbi";/);
    assert.match(dts.stdout, /timebase-frequency = <0x989680>;/);
    assert.match(dts.stdout, /riscv,isa = "rv64imafdc_zicsr_zifencei";/);
    assert.match(dts.stdout, /compatible = "riscv,cpu-intc";/);
  });

  test("under qemu-system-riscv64 -cpu rv64,h=true the VMM runs a bare-metal guest and Linux on /dev/kvm", { timeout: 600_000 }, async (t) => {
    const s = await qemu();
    t.diagnostic(`qemu: seconds ${JSON.stringify(s.seconds)}`);
    checkSession(s);
  });

  test("under typevisor boot the same: the nested guests print what they print under QEMU", { timeout: 900_000 }, async (t) => {
    const s = await session("typevisor");
    t.diagnostic(`typevisor: seconds ${JSON.stringify(s.seconds)}`);
    const stats = s.console.slice(s.console.lastIndexOf("reboot: Power down")).split("\n").slice(1).filter((l) => l.trim() !== "");
    for (const line of stats) t.diagnostic(line);
    checkSession(s);
    const reference = await qemu();
    assert.deepEqual(helloLines(s.bare.out), helloLines(reference.bare.out), "the bare-metal guest's lines, typevisor and QEMU");
    assert.equal(s.nestedAnswer.out, reference.nestedAnswer.out, "the nested command's answer, typevisor and QEMU");
  });
});
