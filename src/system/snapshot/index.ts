/** Snapshots of a whole system VM: the API (machine.ts in memory, files.ts on the host) and its one error. */
export { SnapshotError, type SnapshotFault } from "./errors.js";
export { SNAPSHOT_VERSION } from "./envelope.js";
export { captureState, restoreFromImage, restoreMachine, snapshotMachine, type MachineSnapshot, type RestoredMachine, type RestoreOptions } from "./machine.js";
export { restoreSnapshotFiles, writeSnapshotFiles, type SnapshotPaths } from "./files.js";
export type { MachineState, SnapshotConfig } from "./state-file.js";
