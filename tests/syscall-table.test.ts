/**
 * The process VM's system call table against Linux's: the committed riscv64
 * table (linux-table.ts) is what the cross toolchain's kernel headers define,
 * every registered handler carries the name Linux gives its number, and
 * docs/syscalls.md is what `npm run syscall-doc` generates from the code now.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { CROSS_CC, requireTool, ROOT } from "./build-guests.js";
import "../src/process/syscalls/index.js";
import { SYSCALLS } from "../src/process/syscalls/table.js";
import { LINUX_SYSCALLS } from "../src/process/syscalls/linux-table.js";
import { syscallDoc } from "../src/tools/syscall-doc.js";

/** Registered although outside the headers' riscv64 table (each explained in docs/syscalls.md). */
const EXTRAS = new Set(["riscv_hwprobe"]);

describe("the system call table", () => {
  test("linux-table.ts is the riscv64 table of the cross toolchain's kernel headers", () => {
    requireTool(CROSS_CC, "gcc-riscv64-linux-gnu");
    const fromHeaders = execFileSync("bash", [join(ROOT, "scripts", "gen-syscall-numbers.sh")], { encoding: "utf8" })
      .trim().split("\n").map((l) => { const [nr, name] = l.split(" "); return [Number(nr), name] as const; });
    assert.ok(fromHeaders.length > 300, `${fromHeaders.length} entries from the headers`);
    assert.deepEqual(LINUX_SYSCALLS, fromHeaders);
  });

  test("every registered system call has the number and name Linux gives it", () => {
    const linux = new Map(LINUX_SYSCALLS);
    const wrong = SYSCALLS.filter((d) => d !== undefined && (linux.has(d.nr) ? linux.get(d.nr) !== d.name : !EXTRAS.has(d.name)))
      .map((d) => `${d!.nr} ${d!.name} (Linux: ${linux.get(d!.nr) ?? "none"})`);
    assert.deepEqual(wrong, []);
  });

  test("docs/syscalls.md is what npm run syscall-doc generates from the code", () => {
    assert.equal(readFileSync(join(ROOT, "docs", "syscalls.md"), "utf8"), syscallDoc(),
      "docs/syscalls.md is stale: run `npm run --silent syscall-doc > docs/syscalls.md`");
  });
});
