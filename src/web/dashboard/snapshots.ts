/**
 * The dashboard's snapshots: taking one of a VM into the server's snapshot
 * directory (a running VM is paused for it and resumed after), and the card
 * that lists them with a Restore (as a new VM) and a Delete for each.
 */
import type { Api, Snapshot, Vm } from "./api.js";
import { el } from "./dom.js";

/** A snapshot name for VM `id` now: ID-YYYYMMDD-HHMMSS. */
export function snapshotName(id: string, now = new Date()): string {
  const p = (n: number) => String(n).padStart(2, "0");
  return `${id}-${now.getFullYear()}${p(now.getMonth() + 1)}${p(now.getDate())}-${p(now.getHours())}${p(now.getMinutes())}${p(now.getSeconds())}`;
}

/** Takes a snapshot of `vm` into `dir` (the server's snapshot directory); resolves with its name. */
export async function takeSnapshot(api: Api, vm: Vm, dir: string): Promise<string> {
  const name = snapshotName(vm.id);
  const state = `${dir}/${name}.state`;
  const wasRunning = vm.state === "Running";
  if (wasRunning) await api.setState(vm.id, "Paused");
  try {
    await api.snapshot(vm.id, { snapshot_path: state, mem_file_path: `${state}.mem` });
  } finally {
    if (wasRunning) await api.setState(vm.id, "Resumed");
  }
  return name;
}

/** A size in MiB with one decimal. */
const mib = (bytes: number) => `${(bytes / 1048576).toFixed(1)} MiB`;

/**
 * The rows of the snapshots table: name, size, time, a name for the VM to
 * restore it as, Restore and Delete. `run` performs an action and reports it.
 */
export function snapshotRows(list: Snapshot[], api: Api, run: (done: string, f: () => Promise<unknown>) => void): HTMLTableRowElement[] {
  return list.map((s) => {
    const inputId = `restore-${s.name}`;
    const target = el("input", { id: inputId, value: s.name.replace(/-\d{8}-\d{6}$/, "") + "-restored", pattern: "[A-Za-z0-9_-]{1,64}", required: "" });
    const restore = el("button", { "aria-label": `Restore ${s.name}` }, "Restore");
    restore.addEventListener("click", () => run(`Snapshot ${s.name} restored as VM ${target.value}`, () => api.restore(target.value, s)));
    const remove = el("button", { "aria-label": `Delete snapshot ${s.name}` }, "Delete");
    remove.addEventListener("click", () => run(`Snapshot ${s.name} deleted`, () => api.removeSnapshot(s.name)));
    return el("tr", { "data-snapshot": s.name },
      el("th", { scope: "row" }, s.name),
      el("td", {}, mib(s.bytes)),
      el("td", {}, new Date(s.created).toLocaleString()),
      el("td", { class: "actions" }, el("label", { for: inputId, class: "sr-only" }, `New VM name for ${s.name}`), target, restore, remove));
  });
}
