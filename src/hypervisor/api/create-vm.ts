/**
 * `PUT /vms/{id}`: the VM's definition, in Firecracker's names:
 *
 *     { "boot-source": { "kernel_image_path", "initrd_path", "boot_args" },
 *       "machine-config": { "vcpu_count", "mem_size_mib", "cpu_quota_percent", "hypervisor_extension" },
 *       "drives": [ { "drive_id", "path_on_host", "is_read_only" } ],
 *       "network-interfaces": [ { "iface_id", "guest_mac", "backend", ... } ],
 *       "firmware_path": "/path" | "none" }
 *
 * Every part may be omitted: the machine then takes `typevisor boot`'s defaults
 * (the built-in Linux guest, 128 MiB, one vCPU). Paths must lie in the allowed
 * directories.
 */
import { MAX_HARTS } from "../../system/board.js";
import { VIRTIO_SLOTS } from "../../system/memory-map.js";
import type { MachineConfig } from "../../system/machine.js";
import type { PathPolicy } from "../paths.js";
import { badRequest } from "./errors.js";
import { parseNetworkInterfaces } from "./network-interface.js";
import { checkId, object, onlyFields, optBool, optInt, optString, reqString } from "./parse.js";

/** Most guest RAM one VM may have, in MiB. */
export const MAX_MEM_MIB = 2048;

/** Parses a create-VM body into a machine config whose paths are real and allowed. */
export function parseCreateVm(body: Record<string, unknown>, paths: PathPolicy): MachineConfig {
  onlyFields("body", body, ["boot-source", "machine-config", "drives", "network-interfaces", "firmware_path"]);
  const config: MachineConfig = {};
  if (body["boot-source"] !== undefined) {
    const b = object("boot-source", body["boot-source"]);
    onlyFields("boot-source", b, ["kernel_image_path", "initrd_path", "boot_args"]);
    const kernel = optString(b, "kernel_image_path", "boot-source");
    const initrd = optString(b, "initrd_path", "boot-source");
    if (kernel !== undefined) config.kernel = paths.existing("boot-source.kernel_image_path", kernel);
    if (initrd !== undefined) config.initrd = paths.existing("boot-source.initrd_path", initrd);
    config.append = optString(b, "boot_args", "boot-source");
    if (config.append !== undefined && config.append.length > 4096) throw badRequest("boot-source.boot_args is longer than 4096 bytes");
  }
  if (body["machine-config"] !== undefined) {
    const m = object("machine-config", body["machine-config"]);
    onlyFields("machine-config", m, ["vcpu_count", "mem_size_mib", "cpu_quota_percent", "hypervisor_extension"]);
    config.harts = optInt(m, "vcpu_count", "machine-config", 1, MAX_HARTS);
    config.memoryMiB = optInt(m, "mem_size_mib", "machine-config", 1, MAX_MEM_MIB);
    config.cpuQuotaPercent = optInt(m, "cpu_quota_percent", "machine-config", 1, 100);
    // The harts' H extension (on by default, as typevisor boot --cpu rv64): a guest that is a hypervisor itself needs it.
    if (optBool(m, "hypervisor_extension", "machine-config") === false) config.hExtension = false;
  }
  if (body.drives !== undefined) {
    if (!Array.isArray(body.drives)) throw badRequest("drives must be an array");
    if (body.drives.length > VIRTIO_SLOTS - 1) throw badRequest(`drives: at most ${VIRTIO_SLOTS - 1}`);
    const ids = new Set<string>();
    config.disks = body.drives.map((d: unknown, i: number) => {
      const o = object(`drives[${i}]`, d);
      onlyFields(`drives[${i}]`, o, ["drive_id", "path_on_host", "is_read_only"]);
      const id = checkId(`drives[${i}].drive_id`, reqString(o, "drive_id", `drives[${i}]`));
      if (ids.has(id)) throw badRequest(`drives: drive_id '${id}' appears twice`);
      ids.add(id);
      return { path: paths.existing(`drives[${i}].path_on_host`, reqString(o, "path_on_host", `drives[${i}]`)),
        readonly: optBool(o, "is_read_only", `drives[${i}]`) ?? false };
    });
  }
  if (body["network-interfaces"] !== undefined) config.nets = parseNetworkInterfaces(body["network-interfaces"]);
  checkSlots(config);
  const fw = optString(body, "firmware_path", "body");
  if (fw !== undefined) config.bios = fw === "none" ? "none" : paths.existing("firmware_path", fw);
  if (config.bios === "none" && config.kernel === undefined) throw badRequest("firmware_path none needs boot-source.kernel_image_path (a bare-metal program)");
  if (config.bios === "none" && (config.initrd !== undefined || config.append !== undefined)) {
    throw badRequest("firmware_path none: initrd_path and boot_args need firmware (a device tree to carry them)");
  }
  return config;
}

/** Throws a 400 when the drives and network cards need more virtio slots than the board has (one is virtio-rng's). */
export function checkSlots(config: MachineConfig): void {
  const disks = config.disks?.length ?? 0, nics = config.nets?.length ?? 0;
  if (disks + nics > VIRTIO_SLOTS - 1) throw badRequest(`${disks} drives and ${nics} network interfaces: together at most ${VIRTIO_SLOTS - 1}`);
}
