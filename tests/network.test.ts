/**
 * Networking of the system VM, against the real guest (the default Linux
 * with busybox's udhcpc, wget, httpd, nc, ping, nslookup) and, for user-mode
 * networking, against the same guest under qemu-system-riscv64 -netdev user:
 * the same commands give the same results. Then the virtual switch: two
 * guests on one switch exchange data with nc, a third on another switch
 * cannot reach them, and a flood of malformed frames leaves them running.
 */
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { createServer } from "node:net";
import { lookup } from "node:dns/promises";
import { hostname } from "node:os";
import { after, before, describe, test } from "node:test";
import { spawnSync } from "node:child_process";
import { requireTool } from "./build-guests.js";
import { runProcess, TYPEVISOR_BIN } from "./guest-run.js";
import { fetchHost, freePort, listenLoopback, serveBytes } from "./host-net.js";
import { GuestShell, type Engine } from "./guest-shell.js";

const md5 = (b: Uint8Array) => createHash("md5").update(b).digest("hex");

/** What one engine's guest saw of user-mode networking; compared between typevisor and QEMU. */
interface UserNetResults {
  lease: { inet: string; mask: string; gateway: string; nameserver: string };
  wgetMd5: string;
  forwardedMd5Match: boolean;
  pingReceived: string;
  refused: boolean;
}

const BLOB = randomBytes(300 * 1024 + 17);

describe("user-mode networking, typevisor and QEMU side by side", { concurrency: false }, () => {
  let server: { port: number; close(): void };
  let httpPort = 0;
  const results = new Map<Engine, UserNetResults>();

  before(async () => {
    requireTool("qemu-system-riscv64", "qemu-system-misc");
    server = await serveBytes(BLOB, "/blob");
    httpPort = server.port;
  });
  after(() => server?.close());

  for (const engine of ["typevisor", "qemu"] as const) {
    test(`${engine}: DHCP lease, wget from the host, hostfwd into the guest's httpd, ping, a refused port`, { timeout: 300_000 }, async () => {
      const fwdPort = await freePort();
      const g = await GuestShell.boot(engine, [`user,hostfwd=tcp::${fwdPort}-:8080`]);
      try {
        const ifc = (await g.run("ifconfig eth0")).out;
        const route = (await g.run("route -n")).out;
        const resolv = (await g.run("cat /etc/resolv.conf")).out;
        const lease = {
          inet: /inet addr:(\S+)/.exec(ifc)?.[1] ?? "", mask: /Mask:(\S+)/.exec(ifc)?.[1] ?? "",
          gateway: /^0\.0\.0\.0\s+(\S+)/m.exec(route)?.[1] ?? "", nameserver: /nameserver (\S+)/.exec(resolv)?.[1] ?? "",
        };
        const wget = await g.run(`wget -q -O - http://10.0.2.2:${httpPort}/blob | md5sum`, 120_000);
        assert.equal(wget.status, 0, wget.out);
        await g.run("mkdir -p /tmp/www && dd if=/dev/urandom of=/tmp/www/data bs=1k count=200 2>/dev/null && httpd -p 8080 -h /tmp/www");
        const guestMd5 = /^([0-9a-f]{32})/.exec((await g.run("md5sum /tmp/www/data")).out)?.[1];
        const fetched = await fetchHost(fwdPort, "/data");
        const ping = (await g.run("ping -c 2 10.0.2.2")).out;
        const refused = await g.run(`wget -q -O - http://10.0.2.2:${await freePort()}/ 2>&1`);
        results.set(engine, {
          lease, wgetMd5: wget.out.slice(0, 32), forwardedMd5Match: fetched.length === 200 * 1024 && md5(fetched) === guestMd5,
          pingReceived: /(\d+) packets received/.exec(ping)?.[1] ?? "?", refused: refused.status !== 0 && /refused/i.test(refused.out),
        });
      } finally {
        await g.close();
      }
      const r = results.get(engine)!;
      assert.deepEqual(r.lease, { inet: "10.0.2.15", mask: "255.255.255.0", gateway: "10.0.2.2", nameserver: "10.0.2.3" });
      assert.equal(r.wgetMd5, md5(BLOB));
      assert.ok(r.forwardedMd5Match, "the file the host fetched through hostfwd is the guest's");
      assert.equal(r.pingReceived, "2");
      assert.ok(r.refused, "a closed host port is refused");
    });
  }

  test("typevisor's results are QEMU's", () => {
    assert.ok(results.has("typevisor") && results.has("qemu"), "both engines ran");
    assert.deepEqual(results.get("typevisor"), results.get("qemu"));
  });

  test("typevisor: names resolve through 10.0.2.3 from the host's resolver", { timeout: 300_000 }, async () => {
    // (QEMU forwards DNS to the host's upstream servers, which a CI machine may not reach: not compared.)
    const g = await GuestShell.boot("typevisor", ["user"]);
    try {
      const ns = await g.run("nslookup localhost 10.0.2.3");
      assert.equal(ns.status, 0, ns.out);
      assert.match(ns.out, /Address:?\s+127\.0\.0\.1/);
      // Without a server named, nslookup asks the one DHCP wrote into /etc/resolv.conf; the guest's
      // own /etc/hosts knows only localhost, so the host's name is answered by the host's resolver.
      const host = hostname();
      const expected = (await lookup(host, { family: 4, all: true })).map((a) => a.address);
      const byName = await g.run(`nslookup ${host}`);
      assert.equal(byName.status, 0, byName.out);
      assert.match(byName.out, /Server:\s+10\.0\.2\.3/);
      for (const a of expected) assert.ok(byName.out.includes(a), `${host} -> ${a} in:\n${byName.out}`);
    } finally {
      await g.close();
    }
  });
});

/**
 * Starts a receiver of one nc connection into /tmp/got on `g`. (busybox nc is
 * netcat 1.10's: it ends when both its stdin and the connection have ended,
 * and does not shut its side down at the end of its input; -w on the sender
 * closes the connection once the data is out.)
 */
async function listenOnce(g: GuestShell, port: number): Promise<void> {
  const r = await g.run(`{ nc -l -p ${port} </dev/null >/tmp/got & }`);
  assert.equal(r.status, 0, r.out);
  await new Promise((r) => setTimeout(r, 300));
}

/** Sends 256 KiB of random data from `a` to `b` with nc; resolves with both sides' md5 (equal when it arrived whole). */
async function ncTransfer(a: GuestShell, b: GuestShell, bAddr: string): Promise<[string, string]> {
  await listenOnce(b, 5000);
  const send = await a.run(`dd if=/dev/urandom of=/tmp/d bs=1k count=256 2>/dev/null && nc -w 2 ${bAddr} 5000 </tmp/d && md5sum /tmp/d`, 120_000);
  assert.equal(send.status, 0, send.out);
  const got = await b.run("wait $!; md5sum /tmp/got", 60_000);
  return [send.out.slice(0, 32), got.out.slice(0, 32)];
}

describe("guests on a virtual switch", { concurrency: false }, () => {
  const lab = `tvlab${process.pid}`, other = `tvother${process.pid}`;

  test("typevisor: two guests on one switch exchange data with nc; a guest on another switch cannot reach them; a flood of malformed frames leaves them running", { timeout: 300_000 }, async () => {
    const [a, b, c] = await Promise.all([
      GuestShell.boot("typevisor", [`switch:${lab}`], { append: "nodhcp", name: "a" }),
      GuestShell.boot("typevisor", [`switch:${lab}`], { append: "nodhcp", name: "b" }),
      GuestShell.boot("typevisor", [`switch:${other}`], { append: "nodhcp", name: "c" }),
    ]);
    try {
      for (const [g, ip] of [[a, "192.168.7.1"], [b, "192.168.7.2"], [c, "192.168.7.3"]] as const) {
        assert.equal((await g.run(`ifconfig eth0 ${ip} netmask 255.255.255.0 up`)).status, 0);
      }
      const macs = await Promise.all([a, b].map(async (g) => /HWaddr (\S+)/.exec((await g.run("ifconfig eth0")).out)?.[1]));
      assert.notEqual(macs[0], macs[1], "two boot processes on one switch get different default MACs");

      const ping = await a.run("ping -c 2 -W 5 192.168.7.2");
      assert.equal(ping.status, 0, ping.out);
      const [sent, got] = await ncTransfer(a, b, "192.168.7.2");
      assert.match(sent, /^[0-9a-f]{32}$/);
      assert.equal(got, sent, "b received what a sent");

      const isolated = await c.run("ping -c 2 -W 2 192.168.7.1; ping -c 2 -W 2 192.168.7.2");
      assert.doesNotMatch(isolated.out, / [12] packets received/, isolated.out);
      assert.match(isolated.out, /0 packets received/);

      // A port of our own on the switch sends what no NIC would: runts, oversized
      // length fields, garbage IPv4/ARP/TCP headers to the guests and broadcast.
      const { openSwitchPort } = await import("../src/net/switch/unix-switch.js");
      const rxPackets = async (g: GuestShell) => Number((await g.run("cat /sys/class/net/eth0/statistics/rx_packets")).out.trim());
      const rxBefore = await Promise.all([a, b].map(rxPackets));
      const port = await openSwitchPort(lab);
      port.attach(() => {});
      const macBytes = macs.map((m) => m!.split(":").map((x) => parseInt(x, 16)));
      for (let i = 0; i < 3000; i++) {
        const len = i % 7 === 0 ? i % 14 : 14 + (i * 7919) % 1500;
        const f = randomBytes(len);
        if (len >= 14) {
          f.set(i % 3 === 2 ? [255, 255, 255, 255, 255, 255] : macBytes[i % 2], 0);
          f.set([0x02, 0, 0, 0, 0, i & 255], 6);
          f.set(i % 5 === 0 ? [0x08, 0x06] : [0x08, 0x00], 12); // ARP or IPv4, with random contents
          if (len >= 34 && i % 4 === 1) f.set([0x45, 0, 0xff, 0xff, 0, 0, 0, 0, 64, 6], 14); // IPv4/TCP, total length past the frame
        }
        port.transmit(f);
        if (i % 100 === 99) await new Promise((r) => setTimeout(r, 5));
      }
      port.close();
      const rxAfter = await Promise.all([a, b].map(rxPackets));
      // Each guest is sent about 1700 of the frames (its own and the broadcast ones).
      for (const i of [0, 1]) assert.ok(rxAfter[i] - rxBefore[i] >= 1000, `guest ${i} received ${rxAfter[i] - rxBefore[i]} of the flood`);
      const after = await a.run("ping -c 2 -W 5 192.168.7.2");
      assert.equal(after.status, 0, after.out);
      const [sent2, got2] = await ncTransfer(b, a, "192.168.7.1");
      assert.equal(got2, sent2, "after the flood, a received what b sent");
    } finally {
      await Promise.all([a, b, c].map((g) => g.close()));
    }
  });

  test("qemu: the same nc exchange between two guests joined by a socket netdev", { timeout: 300_000 }, async () => {
    requireTool("qemu-system-riscv64", "qemu-system-misc");
    const port = await freePort();
    const b = await GuestShell.boot("qemu", [`socket,listen=127.0.0.1:${port},mac=52:54:00:00:00:02`], { append: "nodhcp", name: "qb" });
    const a = await GuestShell.boot("qemu", [`socket,connect=127.0.0.1:${port},mac=52:54:00:00:00:01`], { append: "nodhcp", name: "qa" });
    try {
      await b.run("ifconfig eth0 192.168.7.2 netmask 255.255.255.0 up");
      await a.run("ifconfig eth0 192.168.7.1 netmask 255.255.255.0 up");
      const ping = await a.run("ping -c 2 -W 5 192.168.7.2");
      assert.equal(ping.status, 0, ping.out);
      const [sent, got] = await ncTransfer(a, b, "192.168.7.2");
      assert.equal(got, sent);
    } finally {
      await Promise.all([a, b].map((g) => g.close()));
    }
  });
});

describe("typevisor boot --net on bad input", () => {
  const boot = (args: string[]) => spawnSync(process.execPath, [TYPEVISOR_BIN, "boot", ...args, "--timeout", "20"], { encoding: "utf8", input: "", timeout: 60_000 });
  const oneLine = (r: ReturnType<typeof boot>, status: number) => {
    assert.equal(r.status, status, r.stderr);
    assert.doesNotMatch(r.stderr, /^\s+at /m, "no stack trace");
    const lines = r.stderr.split("\n").filter((l) => l.trim() !== "");
    assert.equal(lines.length, 1, r.stderr);
    return lines[0];
  };

  test("a SPEC that does not parse is one line naming it, status 2", () => {
    assert.match(oneLine(boot(["--net", "tap,ifname=tap0"]), 2), /--net tap,ifname=tap0: 'tap' is not a network backend/);
    assert.match(oneLine(boot(["--net", "user,hostfwd=tcp::99999-:80"]), 2), /port 99999/);
    assert.match(oneLine(boot(["--net", "user,mac=01:02:03:04:05:06"]), 2), /not a unicast MAC/);
  });

  test("a host port that is taken is one line naming it, status 1, before the guest starts", async () => {
    const taken = createServer();
    const port = await listenLoopback(taken);
    try {
      const r = await runProcess([process.execPath, TYPEVISOR_BIN, "boot", "--net", `user,hostfwd=tcp:127.0.0.1:${port}-:80`, "--timeout", "20"],
        { cwd: process.cwd(), timeoutMs: 60_000 });
      assert.equal(r.status, 1, r.stderr);
      assert.equal(r.stdout, "", "the guest never started");
      assert.match(r.stderr.trim(), new RegExp(`^typevisor boot: .*${port}.*$`));
    } finally {
      taken.close();
    }
  });
});
