/**
 * `PUT /vms/{id}/network-interfaces/{iface_id}`: a network card of a VM, in
 * Firecracker's names where they fit (`iface_id`, `guest_mac`) plus the
 * backend, since a typevisor guest has no tap device:
 *
 *     { "iface_id": "eth0", "guest_mac": "52:54:00:12:34:56",
 *       "backend": "user", "host_forwards": [ { "protocol": "tcp", "host_port": 8080, "guest_port": 80 } ] }
 *     { "iface_id": "lan", "backend": "switch", "switch_name": "lab" }
 *
 * The same cards may be listed in the create body as "network-interfaces".
 */
import { NetSpecError, parseHostForward, parseNetSpec, SWITCH_NAME, type HostForward, type NetSpec } from "../../net/spec.js";
import { badRequest } from "./errors.js";
import { checkId, object, onlyFields, optInt, optString, reqString } from "./parse.js";

/** Most network cards one VM may have (with the disks they share the board's virtio slots). */
export const MAX_NICS = 4;

/** Parses one interface body; `pathId` is the iface_id of the URL (the body's must match it when given). */
export function parseNetworkInterface(v: unknown, where: string, pathId?: string): NetSpec {
  const o = object(where, v);
  onlyFields(where, o, ["iface_id", "guest_mac", "backend", "host_forwards", "switch_name", "host_dev_name"]);
  if (o.host_dev_name !== undefined) {
    throw badRequest(`${where}.host_dev_name: typevisor guests have no tap devices; use "backend": "user" (NAT to the host, with host_forwards) or "switch" (with switch_name)`);
  }
  const id = checkId(`${where}.iface_id`, optString(o, "iface_id", where) ?? pathId ?? reqString(o, "iface_id", where));
  if (pathId !== undefined && id !== pathId) throw badRequest(`${where}.iface_id '${id}' is not the '${pathId}' of the path`);
  const backend = optString(o, "backend", where) ?? "user";
  let spec: NetSpec;
  if (backend === "user") {
    if (o.switch_name !== undefined) throw badRequest(`${where}.switch_name belongs to "backend": "switch"`);
    spec = { backend: "user", hostForwards: parseForwards(o.host_forwards, `${where}.host_forwards`) };
  } else if (backend === "switch") {
    if (o.host_forwards !== undefined) throw badRequest(`${where}.host_forwards belongs to "backend": "user"`);
    const name = reqString(o, "switch_name", where);
    if (!SWITCH_NAME.test(name)) throw badRequest(`${where}.switch_name '${name.slice(0, 80)}' must be 1-64 letters, digits, '.', '_' or '-'`);
    spec = { backend: "switch", name };
  } else {
    throw badRequest(`${where}.backend must be "user" or "switch", not '${backend.slice(0, 80)}'`);
  }
  const mac = optString(o, "guest_mac", where);
  if (mac !== undefined) {
    try {
      spec.mac = parseNetSpec(`user,mac=${mac}`).mac;
    } catch (e) {
      throw badRequest(`${where}.guest_mac: ${(e as Error).message}`);
    }
  }
  return { ...spec, id };
}

/** The host_forwards array: each { protocol?, host_address?, host_port, guest_address?, guest_port }. */
function parseForwards(v: unknown, where: string): HostForward[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw badRequest(`${where} must be an array`);
  if (v.length > 64) throw badRequest(`${where}: at most 64`);
  return v.map((f: unknown, i: number) => {
    const w = `${where}[${i}]`, o = object(w, f);
    onlyFields(w, o, ["protocol", "host_address", "host_port", "guest_address", "guest_port"]);
    const protocol = optString(o, "protocol", w) ?? "tcp";
    if (protocol !== "tcp" && protocol !== "udp") throw badRequest(`${w}.protocol must be "tcp" or "udp"`);
    const hostPort = optInt(o, "host_port", w, 1, 65535), guestPort = optInt(o, "guest_port", w, 1, 65535);
    if (hostPort === undefined || guestPort === undefined) throw badRequest(`${w}: host_port and guest_port are required`);
    try {
      return parseHostForward(`${protocol}:${optString(o, "host_address", w) ?? ""}:${hostPort}-${optString(o, "guest_address", w) ?? ""}:${guestPort}`);
    } catch (e) {
      if (e instanceof NetSpecError) throw badRequest(`${w}: ${e.message.replace(/^hostfwd=\S+: /, "")}`);
      throw e;
    }
  });
}

/** The cards of a create body's "network-interfaces" array (ids unique, at most MAX_NICS). */
export function parseNetworkInterfaces(v: unknown): NetSpec[] {
  if (!Array.isArray(v)) throw badRequest("network-interfaces must be an array");
  if (v.length > MAX_NICS) throw badRequest(`network-interfaces: at most ${MAX_NICS}`);
  const specs = v.map((n: unknown, i: number) => parseNetworkInterface(n, `network-interfaces[${i}]`));
  const seen = new Set<string>();
  for (const s of specs) {
    if (seen.has(s.id!)) throw badRequest(`network-interfaces: iface_id '${s.id}' appears twice`);
    seen.add(s.id!);
  }
  return specs;
}

/**
 * A card of a resolved machine config as another typevisor sends it (a live
 * migration): the internal NetSpec form, checked field by field.
 */
export function checkNetSpec(v: unknown, where: string): NetSpec {
  const o = object(where, v);
  onlyFields(where, o, ["backend", "hostForwards", "name", "mac", "id"]);
  const backend = reqString(o, "backend", where);
  let body: Record<string, unknown>;
  if (backend === "user") {
    const fwds = o.hostForwards ?? [];
    if (!Array.isArray(fwds)) throw badRequest(`${where}.hostForwards must be an array`);
    body = {
      backend, host_forwards: fwds.map((f: unknown, i: number) => {
        const h = object(`${where}.hostForwards[${i}]`, f);
        return { protocol: h.protocol, host_address: h.hostAddr, host_port: h.hostPort, guest_address: h.guestAddr, guest_port: h.guestPort };
      }),
    };
  } else body = { backend, switch_name: o.name };
  const id = optString(o, "id", where);
  const spec = parseNetworkInterface({ ...body, guest_mac: o.mac, iface_id: id ?? "eth" }, where);
  if (id === undefined) delete spec.id;
  return spec;
}
