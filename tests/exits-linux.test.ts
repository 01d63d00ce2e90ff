/**
 * Trap accounting during a Linux boot (in-process: the default guest from
 * images/ through OpenSBI, as `typevisor boot` loads it): by the shell prompt
 * the kernel has made SBI timer calls, touched sstatus and satp, taken timer
 * interrupts, written the UART and returned to user space with sret; a
 * command typed then is read byte for byte from the UART, and the console
 * counts are exactly what the console received and what was typed.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { VirtBoard } from "../src/system/board.js";
import { exitMetrics, formatExitSummary } from "../src/system/exits.js";
import { SystemVm } from "../src/system/system-vm.js";
import { warmUpSystemVm } from "../src/system/warm-up.js";
import { ROOT } from "./build-guests.js";
import { TYPEVISOR_BIN } from "./guest-run.js";

const PROMPT = "/ # ";
const COMMAND = "echo $((6 * 7))\n";

describe("trap accounting while Linux boots", () => {
  test("SBI set_timer, sstatus/satp, STI, UART MMIO and sret are counted; console bytes match both ways", { timeout: 240_000 }, async () => {
    const images = join(ROOT, "images");
    const received: number[] = [];
    const board = new VirtBoard({ memoryMiB: 128, console: (b) => received.push(b) });
    board.loadFirmware({ data: readFileSync(join(images, "fw_dynamic.bin")), name: "fw_dynamic.bin" },
      { data: readFileSync(join(images, "Image")), name: "Image" }, "console=ttyS0",
      { data: readFileSync(join(images, "initramfs.cpio")), name: "initramfs.cpio" });
    warmUpSystemVm();
    const vm = new SystemVm(board);
    let text = "", typed = false;
    const stop = await vm.run({
      timeoutMs: 200_000,
      flush: () => {
        text = Buffer.from(received).toString("latin1");
        if (!typed && text.includes(PROMPT)) {
          typed = true;
          board.uart.receive(Buffer.from(COMMAND, "latin1"));
        } else if (typed && text.includes(`42\r\n${PROMPT}`)) vm.stop();
      },
    });
    board.close();
    assert.equal(stop.kind, "stopped", `no shell prompt; console:\n${text.slice(-2000)}`);

    const m = exitMetrics(board);
    const e = m.exits;
    const detail = `\n${formatExitSummary(m).join("\n")}`;
    assert.ok(m.instructions > 10_000_000, `${m.instructions} instructions`);
    assert.ok((e.sbi?.["TIME.set_timer"] ?? 0) > 0, `SBI TIME.set_timer${detail}`);
    assert.ok((e.ecall?.s ?? 0) >= (e.sbi?.["TIME.set_timer"] ?? 0), `every SBI call is an ecall from S-mode${detail}`);
    assert.ok((e.csr?.sstatus ?? 0) > 0, `sstatus accesses${detail}`);
    assert.ok((e.csr?.satp ?? 0) > 0 && (e.csr_exits?.satp ?? 0) > 0, `satp accesses (which leave the loop)${detail}`);
    assert.ok((e.interrupts?.sti ?? 0) > 0, `supervisor timer interrupts${detail}`);
    assert.ok((e.mmio?.uart0 ?? 0) > 0, `UART MMIO${detail}`);
    assert.ok((e.xret?.sret ?? 0) > 0 && (e.xret?.mret ?? 0) > 0, `sret and mret${detail}`);
    assert.ok((e.ecall?.u ?? 0) > 0, `system calls from the shell${detail}`);
    assert.ok((e.page_walks ?? 0) > 0 && (e.exceptions?.load_page_fault ?? 0) + (e.exceptions?.store_page_fault ?? 0) > 0, `paging${detail}`);
    assert.equal(e.console?.bytes_out, received.length);
    assert.equal(e.console?.bytes_in, COMMAND.length);
  });

  test("typevisor boot --stats keeps its stats line and adds the exits by reason", { timeout: 240_000 }, () => {
    const r = spawnSync(process.execPath, [TYPEVISOR_BIN, "boot", "--stats", "--timeout", "200"], { input: "poweroff -f\n", encoding: "latin1" });
    assert.equal(r.status, 0, r.stderr);
    const lines = r.stderr.split("\n");
    const at = lines.findIndex((l) => /^typevisor: stats: instructions=\d+ seconds=[\d.]+ mips=[\d.]+$/.test(l));
    assert.ok(at >= 0, r.stderr);
    assert.match(lines[at + 1], /^typevisor: exits: \d+ \((\w+=\d+ ?)+\)$/);
    assert.ok(lines.some((l) => /^typevisor: sbi calls: \d+ \(.*TIME\.set_timer=\d+/.test(l)), r.stderr);
    assert.ok(lines.some((l) => /^typevisor: console: bytes_out=\d+ bytes_in=12$/.test(l)), r.stderr);
    assert.ok(lines.some((l) => /^typevisor: jit: jit=\w+ regions_compiled=\d+ /.test(l)), r.stderr);
  });
});
