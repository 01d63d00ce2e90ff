/**
 * Networking in the hypervisor, through its API with real guests:
 * PUT /vms/{id}/network-interfaces/{iface_id} (checked like every body), a
 * guest with user networking reached through a host forward and fetching from
 * the host, per-interface counters in metrics, guests of the server on one
 * switch with a `typevisor boot` process on it too, a host port that is taken
 * failing the start with a clear reason, and a switch guest's snapshot
 * restored with its port on the switch opened anew.
 */
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { api, command, serve, waitConsole, type Served } from "./hypervisor-server.js";
import { GuestShell } from "./guest-shell.js";
import { fetchHost, freePort, serveBytes } from "./host-net.js";

const PROMPT = /# $/;
const md5 = (b: Uint8Array) => createHash("md5").update(b).digest("hex");

async function start(s: Served, id: string): Promise<void> {
  const r = await api(s, "PUT", `/vms/${id}/actions`, { action_type: "InstanceStart" });
  assert.equal(r.status, 204, r.text);
  await waitConsole(s, id, PROMPT, 0, 120_000);
}

describe("hypervisor networking", { concurrency: false }, () => {
  let s: Served;
  let dir: string;
  const lab = `hvlab${process.pid}`;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "tv-hvnet-"));
    s = await serve(["--allow-path", dir]);
  });
  after(async () => {
    await s?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test("network-interfaces bodies are checked: each mistake is a 400 naming the field", async () => {
    assert.equal((await api(s, "PUT", "/vms/chk", {})).status, 201);
    const bad: [object, RegExp][] = [
      [{ host_dev_name: "tap0" }, /no tap devices/],
      [{ backend: "tap" }, /backend must be "user" or "switch"/],
      [{ backend: "switch" }, /switch_name is required/],
      [{ backend: "switch", switch_name: "no/slash" }, /switch_name/],
      [{ guest_mac: "01:00:5e:00:00:01" }, /guest_mac.*unicast/],
      [{ iface_id: "eth1" }, /iface_id 'eth1' is not the 'eth0'/],
      [{ host_forwards: [{ host_port: 70000, guest_port: 80 }] }, /host_port must be a whole number from 1 to 65535/],
      [{ host_forwards: [{ host_port: 8080, guest_port: 80, host_address: "example" }] }, /not an IPv4 address/],
      [{ host_forwards: [{ host_port: 8080, guest_port: 80 }], backend: "switch", switch_name: "x" }, /host_forwards belongs to "backend": "user"/],
      [{ mtu: 9000 }, /unknown field 'mtu'/],
    ];
    for (const [body, re] of bad) {
      const r = await api(s, "PUT", "/vms/chk/network-interfaces/eth0", body);
      assert.equal(r.status, 400, `${JSON.stringify(body)}: ${r.text}`);
      assert.match(r.json.fault_message, re);
    }
    assert.equal((await api(s, "PUT", "/vms/chk/network-interfaces/eth0", { backend: "user" })).status, 204);
    assert.equal((await api(s, "PUT", "/vms/chk/network-interfaces/lan", { backend: "switch", switch_name: lab, guest_mac: "52:54:00:aa:bb:cc" })).status, 204);
    const vm = (await api(s, "GET", "/vms/chk")).json;
    assert.deepEqual(vm.config.nets.map((n: { id: string; backend: string }) => `${n.id}:${n.backend}`), ["eth0:user", "lan:switch"]);
    assert.equal((await api(s, "DELETE", "/vms/chk/network-interfaces/lan")).status, 204);
    assert.equal((await api(s, "DELETE", "/vms/chk/network-interfaces/lan")).status, 404);
    assert.equal((await api(s, "PUT", "/vms/nope/network-interfaces/eth0", { backend: "user" })).status, 404);
    const created = await api(s, "PUT", "/vms/chk2", { "network-interfaces": [{ iface_id: "a" }, { iface_id: "a" }] });
    assert.equal(created.status, 400);
    assert.match(created.json.fault_message, /'a' appears twice/);
    for (const id of ["chk"]) await api(s, "DELETE", `/vms/${id}`);
  });

  test("user networking: the host reaches the guest's httpd through host_forwards, the guest fetches from the host, metrics count both ways", { timeout: 300_000 }, async () => {
    const blob = randomBytes(200 * 1024 + 3);
    const server = await serveBytes(blob, "/");
    const httpPort = server.port;
    const fwd = await freePort();
    try {
      assert.equal((await api(s, "PUT", "/vms/web", {
        "network-interfaces": [{ iface_id: "eth0", backend: "user", host_forwards: [{ protocol: "tcp", host_address: "127.0.0.1", host_port: fwd, guest_port: 8080 }] }],
      })).status, 201);
      await start(s, "web");
      const running = await api(s, "PUT", "/vms/web/network-interfaces/eth1", { backend: "user" });
      assert.equal(running.status, 409, "cards are plugged in before boot");

      const got = await command(s, "web", `wget -q -O - http://10.0.2.2:${httpPort}/ | md5sum`, /[0-9a-f]{32}/, 120_000);
      assert.match(got, new RegExp(md5(blob)));
      await command(s, "web", "mkdir -p /tmp/www && dd if=/dev/urandom of=/tmp/www/f bs=1k count=100 2>/dev/null && httpd -p 8080 -h /tmp/www && md5sum /tmp/www/f", /[0-9a-f]{32}  \/tmp\/www\/f/);
      const guestMd5 = /([0-9a-f]{32})  \/tmp\/www\/f/.exec((await waitConsole(s, "web", /[0-9a-f]{32}  \/tmp\/www\/f/)).text)![1];
      const fetched = await fetchHost(fwd, "/f");
      assert.equal(md5(fetched), guestMd5);

      // A second VM forwarding the same host port cannot start, and says why.
      assert.equal((await api(s, "PUT", "/vms/clash", { "network-interfaces": [{ iface_id: "eth0", host_forwards: [{ host_address: "127.0.0.1", host_port: fwd, guest_port: 80 }] }] })).status, 201);
      const clash = await api(s, "PUT", "/vms/clash/actions", { action_type: "InstanceStart" });
      assert.notEqual(clash.status, 204);
      assert.match(clash.json.fault_message, new RegExp(`${fwd}`));
      const clashVm = (await api(s, "GET", "/vms/clash")).json;
      assert.equal(clashVm.state, "Stopped");
      assert.match(clashVm.stop_reason, new RegExp(`${fwd}`));

      const nic = (await api(s, "GET", "/vms/web/metrics")).json.network_interfaces.eth0;
      assert.equal(nic.backend, "user");
      assert.match(nic.guest_mac, /^52:54:00:12:34:56$/);
      assert.ok(nic.rx_bytes >= blob.length, `rx_bytes ${nic.rx_bytes}`);
      assert.ok(nic.tx_bytes >= fetched.length, `tx_bytes ${nic.tx_bytes}`);
      assert.ok(nic.rx_packets > 100 && nic.tx_packets > 50);
    } finally {
      server.close();
      for (const id of ["web", "clash"]) await api(s, "DELETE", `/vms/${id}`);
    }
  });

  test("a switch: two guests of the server and a typevisor boot process reach each other; a restored snapshot rejoins the switch", { timeout: 300_000 }, async () => {
    const nic = { iface_id: "eth0", backend: "switch", switch_name: lab };
    const args = { "boot-source": { boot_args: "console=ttyS0 nodhcp" }, "network-interfaces": [nic] };
    let outside: GuestShell | undefined;
    try {
      for (const id of ["sw1", "sw2"]) assert.equal((await api(s, "PUT", `/vms/${id}`, args)).status, 201);
      await Promise.all(["sw1", "sw2"].map((id) => start(s, id)));
      outside = await GuestShell.boot("typevisor", [`switch:${lab}`], { append: "nodhcp", name: "outside" });
      await command(s, "sw1", "ifconfig eth0 192.168.9.1 up", PROMPT);
      await command(s, "sw2", "ifconfig eth0 192.168.9.2 up", PROMPT);
      await outside.run("ifconfig eth0 192.168.9.3 up");
      const macs = await Promise.all(["sw1", "sw2"].map(async (id) => (await api(s, "GET", `/vms/${id}/metrics`)).json.network_interfaces.eth0.guest_mac));
      assert.notEqual(macs[0], macs[1], "VMs of one server get different default MACs on a switch");

      assert.match(await command(s, "sw1", "ping -c 2 -W 5 192.168.9.2", /packets received/), /2 packets received/);
      const fromOutside = await outside.run("ping -c 2 -W 5 192.168.9.1; ping -c 2 -W 5 192.168.9.2");
      assert.equal(fromOutside.out.match(/2 packets received/g)?.length, 2, fromOutside.out);

      // Snapshot sw2, delete it, and restore it as sw2r: its card joins the switch again.
      assert.equal((await api(s, "PATCH", "/vms/sw2/vm", { state: "Paused" })).status, 204);
      const snap = await api(s, "PUT", "/vms/sw2/snapshot/create", { snapshot_path: join(dir, "sw2.state"), mem_file_path: join(dir, "sw2.mem") });
      assert.equal(snap.status, 204, snap.text);
      assert.equal((await api(s, "DELETE", "/vms/sw2")).status, 204);
      const load = await api(s, "PUT", "/vms/sw2r/snapshot/load", { snapshot_path: join(dir, "sw2.state"), mem_file_path: join(dir, "sw2.mem"), resume_vm: true });
      assert.equal(load.status, 201, load.text);
      assert.equal((await api(s, "GET", "/vms/sw2r/metrics")).json.network_interfaces.eth0.backend, `switch:${lab}`, "not unplugged");
      const again = await outside.run("ping -c 2 -W 5 192.168.9.2");
      assert.match(again.out, /2 packets received/);
    } finally {
      await outside?.close();
      for (const id of ["sw1", "sw2", "sw2r"]) await api(s, "DELETE", `/vms/${id}`);
    }
  });
});
