/**
 * The worker thread that runs one guest VM: it builds the Machine from the
 * config it was started with, runs it when told to, streams console output to
 * the control plane in batches, and answers pause/resume/metrics/snapshot
 * requests. Nothing a guest does can reach another guest or the server: at
 * worst this thread fails, and the control plane reports the VM stopped.
 */
import { parentPort, workerData } from "node:worker_threads";
import { performance } from "node:perf_hooks";
import { readFileSync } from "node:fs";
import { Machine, restoreWithNets } from "../system/machine.js";
import { formatMac } from "../net/link.js";
import { NO_METRICS, type FromWorker, type Reply, type Request, type NicMetrics, type ToWorker, type VmMetrics, type WorkerInit } from "./protocol.js";
import { describeStop } from "./stop-reason.js";
import { PageTracker } from "./migration/pages.js";
import { IncomingRam } from "./migration/incoming.js";
import { warmUpSystemVm } from "../system/warm-up.js";
import { exitMetrics } from "../system/exits.js";
import { GdbListenError, listenGdb, type GdbServer } from "../debug/tcp.js";

const port = parentPort!;
const init = workerData as WorkerInit;
const post = (m: FromWorker) => port.postMessage(m);

const pending: number[] = [];
const flush = () => {
  if (pending.length === 0) return;
  post({ type: "console", bytes: Uint8Array.from(pending) });
  pending.length = 0;
};

const io = { console: (b: number) => { pending.push(b); }, flush };
/** The machine (undefined while a migration is still arriving). */
let machine: Machine | undefined;
/** The RAM pages of an arriving migration. */
let arriving: IncomingRam | undefined;
/** What a live migration has sent so far (from its first migrate-pages request). */
let tracker: PageTracker | undefined;
/** The machine's GDB stub, once PUT /vms/{id}/gdb opened one. */
let gdb: GdbServer | undefined;
/**
 * Builds the machine (opening its network backends: host sockets and switch
 * ports), restores it from snapshot files with its cards' backends opened
 * anew, or readies RAM for an arriving migration. Requests wait for it.
 */
async function build(): Promise<void> {
  if (init.incoming !== undefined) {
    warmUpSystemVm(); // now, not in the guest's downtime
    arriving = new IncomingRam(init.incoming.memoryMiB);
  } else if (init.restore !== undefined) {
    const paths = { statePath: init.restore.statePath, memoryPath: init.restore.memPath };
    machine = await restoreWithNets(readFileSync(paths.statePath), `snapshot state file ${paths.statePath}`, (nets) => Machine.restore(paths, { ...io, nets }));
  } else machine = await Machine.create(init.config, io);
}
const built = build().catch((e: Error) => {
  post({ type: "state", state: "Stopped", reason: `cannot build the machine: ${e.message}` });
  process.exit(1);
});

/** The arriving migration's last part: the machine is restored from the pages gathered and `state`, its network cards' backends opened here. */
async function admit(state: Uint8Array | undefined): Promise<void> {
  if (state === undefined) throw failure(400, "a migration's VM starts with its machine state");
  try {
    machine = await restoreWithNets(state, "the migration's machine state", (nets) => Machine.restoreImage(state, arriving!.image(), { ...io, nets }));
  } catch (e) {
    throw failure(400, (e as Error).message);
  }
  arriving = undefined;
}

/** An Error the control plane turns into HTTP status `status`. */
const failure = (status: number, message: string): Error => Object.assign(new Error(message), { status });

/** The machine, or a 409 while a migration is still arriving. */
function current(): Machine {
  if (machine === undefined) throw failure(409, "the VM is still arriving (live migration)");
  return machine;
}

/** Answers a request; an Error with a `status` becomes that HTTP status, anything else 500. */
async function answer(r: Request): Promise<Reply> {
  try {
    await built;
    return { type: "reply", id: r.id, ok: true, value: await perform(r) };
  } catch (e) {
    const status = (e as { status?: number }).status ?? 500;
    return { type: "reply", id: r.id, ok: false, status, message: (e as Error).message };
  }
}

/** A 409 for a request the machine's state does not allow. */
function wrongState(what: string): Error {
  return failure(409, `cannot ${what}: the VM is ${current().state}`);
}

async function perform(r: Request): Promise<unknown> {
  switch (r.type) {
    case "incoming-pages":
      if (arriving === undefined) throw failure(409, "no migration is arriving here");
      if (!arriving.receive(r.records)) throw failure(400, "the migration's page records are malformed");
      return undefined;
    case "start": {
      if (arriving !== undefined) await admit(r.state);
      const machine = current();
      if (machine.state !== "NotStarted") throw wrongState("start it");
      void machine.run({ paused: init.restore !== undefined && !init.restore.resume }).then(
        (stop) => { flush(); gdb?.close(); post({ type: "state", state: "Stopped", reason: describeStop(stop) }); },
        (e: Error) => { flush(); post({ type: "state", state: "Stopped", reason: `internal error: ${e.message}` }); },
      );
      post({ type: "state", state: machine.state });
      return machine.config;
    }
    case "pause": {
      const machine = current();
      if (machine.state !== "Running") throw wrongState("pause it");
      await machine.pause();
      post({ type: "state", state: "Paused" });
      return undefined;
    }
    case "resume": {
      const machine = current();
      if (machine.state !== "Paused") throw wrongState("resume it");
      machine.resume();
      post({ type: "state", state: "Running" });
      return undefined;
    }
    case "metrics":
      return metrics();
    case "migrate-pages": {
      const machine = current();
      if (machine.state !== "Running" && machine.state !== "Paused") throw wrongState("migrate it");
      tracker ??= new PageTracker(machine.board.ram);
      return tracker.changedPages();
    }
    case "migrate-state":
      if (current().state !== "Paused") throw wrongState("send its state (pause it first)");
      return current().stateBytes();
    case "gdb": {
      const m = current();
      if (m.state !== "Running" && m.state !== "Paused") throw wrongState("debug it");
      if (gdb !== undefined) throw failure(409, `a GDB stub is already open on port ${gdb.port}`);
      const dbg = m.attachDebugger(false);
      try {
        gdb = await listenGdb(r.port, dbg, (stub) => {
          dbg.attach(stub.points, (e) => stub.stopped(e));
          return dbg.holdNow();
        });
      } catch (e) {
        if (e instanceof GdbListenError) throw failure(409, e.message);
        throw e;
      }
      return { port: gdb.port };
    }
    case "snapshot":
      if (current().state !== "Paused") throw wrongState("take a snapshot (pause it first)");
      try {
        current().snapshot({ statePath: r.statePath, memoryPath: r.memPath });
      } catch (e) {
        throw failure(400, (e as Error).message);
      }
      return undefined;
  }
}

function metrics(): VmMetrics {
  if (machine === undefined) return NO_METRICS;
  const up = machine.uptimeMs / 1000;
  const instructions = machine.retired;
  return {
    instructions,
    mips: up > 0 ? instructions / up / 1e6 : 0,
    host_cpu_seconds: performance.eventLoopUtilization().active / 1000,
    uptime_seconds: up,
    exits: exitMetrics(machine.board).exits,
    network_interfaces: nicMetrics(machine),
  };
}

/** Each network card's counters, by iface_id (eth0, eth1… for cards without one). */
function nicMetrics(m: Machine): Record<string, NicMetrics> {
  const out: Record<string, NicMetrics> = {};
  m.board.nics.forEach((nic, i) => {
    const c = nic.counters;
    out[m.config.nets?.[i]?.id ?? `eth${i}`] = {
      guest_mac: formatMac(nic.mac), backend: nic.backend.kind,
      rx_packets: c.rxPackets, rx_bytes: c.rxBytes, rx_dropped: c.rxDropped,
      tx_packets: c.txPackets, tx_bytes: c.txBytes, tx_dropped: c.txDropped,
    };
  });
  return out;
}

port.on("message", (m: ToWorker) => {
  switch (m.type) {
    case "stop":
      if (machine !== undefined && (machine.state === "Running" || machine.state === "Paused")) machine.stop();
      else { post({ type: "state", state: "Stopped", reason: "stopped by the host" }); }
      return;
    case "input":
      machine?.input(m.bytes);
      return;
    default:
      void answer(m).then(post);
  }
});
