/**
 * typevisor as a library (`import { ... } from "typevisor"`): the same VMs the
 * command-line tool runs.
 *
 * - Process VM: `new Process({ path, argv, envp, sysroot })`, then
 *   `await p.run()` for the exit status; `p.kernel.instructions` counts what ran.
 * - System VM: `new Machine(config, { console: (byte) => ... })`, then
 *   `await m.run()` for how it stopped; `m.input(bytes)` types on its console,
 *   `m.pause()`, `m.resume()`, `m.snapshot()`, `m.stop()`; `exitMetrics(m.board)`
 *   is the trap accounting.
 * - The translating tier's settings (`jitOptions`) and counters (`jitStats`).
 * - Debugging: `listenGdb` serves a GDB stub for a ProcessDebugger or a
 *   Machine's `attachDebugger()`.
 *
 * Files, terminals and sockets are the host's (Node.js) for now.
 */
export { Process, type ProcessOptions } from "./process/process.js";
export { ProcessDebugger } from "./process/debugger.js";
export { ElfError } from "./process/elf.js";
export { describeSignal } from "./process/signals.js";
export { Machine, resolveConfig, DEFAULT_GUEST, type MachineConfig, type MachineIo, type MachineState } from "./system/machine.js";
export { type RunStop } from "./system/system-vm.js";
export { BootError } from "./system/elf.js";
export { DiskImageError } from "./devices/virtio-blk/virtio-blk.js";
export { exitMetrics, formatExitSummary, type ExitMetrics } from "./system/exits.js";
export { jitOptions, parseJitMode, type JitMode } from "./cpu/riscv/jit/tier.js";
export { jitStats, type JitStats } from "./cpu/riscv/jit/code-cache.js";
export { listenGdb, GdbListenError, type GdbServer } from "./debug/tcp.js";
export { GdbStub } from "./debug/stub.js";
export type { DebugTarget, StopEvent } from "./debug/target.js";
