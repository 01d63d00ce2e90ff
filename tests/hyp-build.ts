/**
 * Builds the bare-metal hypervisor of tests/hyp/ (see its README.md) with the
 * cross compiler into tests/build/hyp/: the two guests as ELF files first, then
 * the hypervisor, which includes them with .incbin. Used by tests/hyp.test.ts
 * and by the benchmark.
 */
import { existsSync, readdirSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { compile, CROSS_CC, ROOT } from "./build-guests.js";

const SOURCE_DIR = join(ROOT, "tests", "hyp");
const BUILD_DIR = join(ROOT, "tests", "build", "hyp");
/** The hypervisor, built. */
export const HYP_ELF = join(BUILD_DIR, "hyp.elf");
const GUESTS = ["guest-a", "guest-b"] as const;

/** Flags for the hypervisor and the guests alike: no C library, medany code at 0x80000000. */
const FLAGS = [
  "-march=rv64gc_zicsr_zifencei", "-mabi=lp64d", "-mcmodel=medany", "-fno-pie", "-no-pie", "-static",
  // gcc names the -march in a .attribute that would override -Wa,-march; rv64gch lets the
  // assembler take hfence.gvma and hlvx.hu
  "-mno-riscv-attribute", "-Wa,-march=rv64gch",
  "-nostdlib", "-nostartfiles", "-ffreestanding", "-fno-tree-loop-distribute-patterns",
  "-fno-asynchronous-unwind-tables", "-fno-unwind-tables", "-O2", "-Wall", "-Wextra", "-Werror",
  "-Wl,--build-id=none", "-Wl,--no-warn-rwx-segments",
];

const guestElf = (name: string) => join(BUILD_DIR, `${name}.elf`);
const mtime = (path: string) => statSync(path).mtimeMs;

/** Removes `output` when it is older than any of `inputs` (compile() compares with its main source only). */
function dropIfStale(output: string, inputs: string[]): void {
  if (existsSync(output) && mtime(output) < Math.max(...inputs.map(mtime))) rmSync(output);
}

/** Builds HYP_ELF (and its guests) unless it is newer than every source. */
export async function buildHypervisor(): Promise<void> {
  const sources = readdirSync(SOURCE_DIR).map((f) => join(SOURCE_DIR, f));
  for (const name of GUESTS) {
    dropIfStale(guestElf(name), sources);
  }
  await Promise.all(GUESTS.map((name) => compile({
    cc: CROSS_CC,
    source: join(SOURCE_DIR, `${name}.c`),
    output: guestElf(name),
    flags: [...FLAGS, "-T", join(SOURCE_DIR, "guest.ld"), join(SOURCE_DIR, "guest-start.S")],
    libs: [],
  })));
  dropIfStale(HYP_ELF, [...sources, ...GUESTS.map(guestElf)]);
  await compile({
    cc: CROSS_CC,
    source: join(SOURCE_DIR, "hyp.c"),
    output: HYP_ELF,
    flags: [...FLAGS, "-T", join(SOURCE_DIR, "hyp.ld"), `-Wa,-I${BUILD_DIR}`,
      ...["m-mode.S", "vcpu.S", "images.S"].map((f) => join(SOURCE_DIR, f))],
    libs: [],
  });
}

