/**
 * The network rows of `npm run bench`: TCP throughput of the default guest
 * (busybox nc) through user-mode networking, guest to host and host to
 * guest, under typevisor and under qemu-system-riscv64 -netdev user; and
 * guest to guest (busybox httpd to wget), over typevisor's switch and over
 * QEMU's socket netdev (one guest listening, the other connecting: QEMU's
 * way of joining two guests without a host bridge).
 */
import { createServer, type Socket } from "node:net";
import { GuestShell, type Engine } from "../tests/guest-shell.js";
import { listenLoopback } from "../tests/host-net.js";

/** Bytes each transfer moves. */
const BYTES = 16 * 1024 * 1024;
const BLOCK = 64 * 1024;

/** A host TCP server on loopback that, per connection, either swallows what comes or sends BYTES and closes; resolves with each connection's seconds. */
async function hostEnd(mode: "sink" | "source"): Promise<{ port: number; done: Promise<{ seconds: number; bytes: number }>; close: () => void }> {
  let finish!: (r: { seconds: number; bytes: number }) => void;
  const done = new Promise<{ seconds: number; bytes: number }>((r) => { finish = r; });
  const server = createServer({ allowHalfOpen: true }, (s: Socket) => {
    const start = performance.now();
    let bytes = 0;
    if (mode === "sink") {
      // busybox nc (netcat 1.10) does not shut its side down at the end of its
      // input: the sink closes the connection once everything has arrived.
      s.on("data", (d: Buffer) => {
        bytes += d.length;
        if (bytes >= BYTES) { finish({ seconds: (performance.now() - start) / 1000, bytes }); s.end(); }
      });
    } else {
      const block = Buffer.alloc(BLOCK, 0x5a);
      let sent = 0;
      const pump = () => {
        while (sent < BYTES) { sent += BLOCK; if (!s.write(block)) { s.once("drain", pump); return; } }
        s.end();
      };
      pump();
      s.on("data", () => {});
      s.on("close", () => finish({ seconds: (performance.now() - start) / 1000, bytes: sent }));
    }
    s.on("error", () => {});
  });
  return { port: await listenLoopback(server), done, close: () => server.close() };
}

const mbps = (r: { seconds: number; bytes: number } | undefined) => (r === undefined ? undefined : r.bytes / 1e6 / r.seconds);

/** MB/s guest→host and host→guest under one engine (undefined where it failed). */
async function userNet(engine: Engine): Promise<[number | undefined, number | undefined]> {
  const g = await GuestShell.boot(engine, ["user"]);
  try {
    const sink = await hostEnd("sink");
    const up = await g.run(`dd if=/dev/zero bs=${BLOCK} count=${BYTES / BLOCK} 2>/dev/null | nc 10.0.2.2 ${sink.port}`, 600_000);
    const upRate = up.status === 0 ? mbps(await sink.done) : undefined;
    sink.close();
    const source = await hostEnd("source");
    const down = await g.run(`nc 10.0.2.2 ${source.port} </dev/null | wc -c`, 600_000);
    const downRate = down.status === 0 && down.out.trim() === String(BYTES) ? mbps(await source.done) : undefined;
    source.close();
    return [upRate, downRate];
  } finally {
    await g.close();
  }
}

/** MB/s from one guest to another over typevisor's switch or QEMU's socket netdev. */
async function guestToGuest(engine: Engine): Promise<number | undefined> {
  const name = `bench${process.pid}`;
  let a: GuestShell | undefined, b: GuestShell | undefined;
  try {
    if (engine === "typevisor") {
      b = await GuestShell.boot(engine, [`switch:${name},mac=52:54:00:00:00:02`], { append: "nodhcp", name: "b" });
      a = await GuestShell.boot(engine, [`switch:${name},mac=52:54:00:00:00:01`], { append: "nodhcp", name: "a" });
    } else {
      const port = 20000 + (process.pid % 20000);
      b = await GuestShell.boot(engine, [`socket,listen=127.0.0.1:${port},mac=52:54:00:00:00:02`], { append: "nodhcp", name: "b" });
      a = await GuestShell.boot(engine, [`socket,connect=127.0.0.1:${port},mac=52:54:00:00:00:01`], { append: "nodhcp", name: "a" });
    }
    await b.run("ifconfig eth0 192.168.7.2 up");
    await a.run("ifconfig eth0 192.168.7.1 up && ping -c 1 -W 5 192.168.7.2 >/dev/null");
    // b serves the bytes with busybox httpd (it closes the connection at the
    // end, which nc would not), a fetches them with wget: one TCP stream.
    await b.run(`mkdir -p /tmp/www && dd if=/dev/zero of=/tmp/www/f bs=${BLOCK} count=${BYTES / BLOCK} 2>/dev/null && httpd -p 8080 -h /tmp/www`);
    const start = performance.now();
    const fetch = await a.run("wget -q -O - http://192.168.7.2:8080/f | wc -c", 600_000);
    const seconds = (performance.now() - start) / 1000;
    return fetch.status === 0 && fetch.out.trim() === String(BYTES) ? BYTES / 1e6 / seconds : undefined;
  } catch {
    return undefined;
  } finally {
    await a?.close();
    await b?.close();
  }
}

/** Runs the network benchmark and returns its Markdown table. */
export async function benchNetwork(): Promise<string> {
  const [tvUp, tvDown] = await userNet("typevisor");
  const [qUp, qDown] = await userNet("qemu");
  const tvSwitch = await guestToGuest("typevisor");
  const qSwitch = await guestToGuest("qemu");
  const f = (x: number | undefined) => (x === undefined ? "—" : x.toFixed(1));
  const r = (a: number | undefined, b: number | undefined) => (a === undefined || b === undefined ? "—" : `${(a / b).toFixed(2)}×`);
  return [
    `| TCP, ${BYTES / 1024 / 1024} MiB (busybox nc; httpd to wget between guests) | typevisor MB/s | qemu-system MB/s | typevisor/qemu |`,
    "| --- | ---: | ---: | ---: |",
    `| guest → host (user networking) | ${f(tvUp)} | ${f(qUp)} | ${r(tvUp, qUp)} |`,
    `| host → guest (user networking) | ${f(tvDown)} | ${f(qDown)} | ${r(tvDown, qDown)} |`,
    `| guest → guest (typevisor switch / QEMU socket netdev) | ${f(tvSwitch)} | ${f(qSwitch)} | ${r(tvSwitch, qSwitch)} |`,
  ].join("\n");
}
