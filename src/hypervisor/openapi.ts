/**
 * The API's OpenAPI 3 document, served at GET /openapi.json and committed as
 * docs/openapi.json (a test keeps the two equal and checks the server against it).
 */

const error = { description: "An error", content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } } };
const errors = (...codes: number[]) => Object.fromEntries(codes.map((c) => [String(c), error]));
const json = (ref: string) => ({ content: { "application/json": { schema: { $ref: `#/components/schemas/${ref}` } } } });
const vmId = { name: "id", in: "path", required: true, schema: { type: "string", pattern: "^[A-Za-z0-9_-]{1,64}$" } };

/** The document. */
export const OPENAPI = {
  openapi: "3.0.3",
  info: {
    title: "typevisor hypervisor API",
    version: "1.0.0",
    description: "Many isolated RISC-V guest VMs on one host. Request bodies follow Firecracker's names where Firecracker has an equivalent, under a per-VM prefix /vms/{id}. Every request needs `Authorization: Bearer <token>` (the token is in the state dir). Errors are `{\"fault_message\": \"...\"}`.",
  },
  components: {
    securitySchemes: { bearer: { type: "http", scheme: "bearer" } },
    schemas: {
      Error: { type: "object", required: ["fault_message"], properties: { fault_message: { type: "string" } } },
      VmConfig: {
        type: "object", additionalProperties: false,
        properties: {
          "boot-source": {
            type: "object", additionalProperties: false,
            properties: { kernel_image_path: { type: "string" }, initrd_path: { type: "string" }, boot_args: { type: "string" } },
          },
          "machine-config": {
            type: "object", additionalProperties: false,
            properties: {
              vcpu_count: { type: "integer", minimum: 1, maximum: 8 },
              mem_size_mib: { type: "integer", minimum: 1, maximum: 2048 },
              cpu_quota_percent: { type: "integer", minimum: 1, maximum: 100 },
              hypervisor_extension: { type: "boolean", default: true, description: "The harts implement the RISC-V hypervisor extension (H), so the guest may run guests of its own." },
            },
          },
          drives: {
            type: "array", maxItems: 7,
            items: {
              type: "object", additionalProperties: false, required: ["drive_id", "path_on_host"],
              properties: { drive_id: { type: "string" }, path_on_host: { type: "string" }, is_read_only: { type: "boolean" } },
            },
          },
          "network-interfaces": { type: "array", maxItems: 4, items: { $ref: "#/components/schemas/NetworkInterface" } },
          firmware_path: { type: "string", description: "A firmware file, or \"none\" to run the kernel as a bare-metal program" },
        },
      },
      NetworkInterface: {
        type: "object", additionalProperties: false,
        description: "A virtio-net card and the network behind it: user-mode networking (NAT to the host: the guest is 10.0.2.15, the host 10.0.2.2, DNS 10.0.2.3) or a port on a virtual switch shared by the guests of this host that name it",
        properties: {
          iface_id: { type: "string", pattern: "^[A-Za-z0-9_-]{1,64}$", description: "The card's name (the path's, when given in the body)" },
          guest_mac: { type: "string", description: "A unicast MAC address (default: 52:54:00:12:34:56 counting up; on a switch, one derived from the VM id)" },
          backend: { type: "string", enum: ["user", "switch"], description: "Default user" },
          host_forwards: {
            type: "array", maxItems: 64, description: "user: host ports forwarded into the guest",
            items: {
              type: "object", additionalProperties: false, required: ["host_port", "guest_port"],
              properties: {
                protocol: { type: "string", enum: ["tcp", "udp"] }, host_address: { type: "string", description: "IPv4 address to listen on (default: all)" },
                host_port: { type: "integer", minimum: 1, maximum: 65535 }, guest_address: { type: "string", description: "Default 10.0.2.15" },
                guest_port: { type: "integer", minimum: 1, maximum: 65535 },
              },
            },
          },
          switch_name: { type: "string", pattern: "^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$", description: "switch: the switch's name (typevisor boot --net switch:NAME joins the same one)" },
        },
      },
      NicMetrics: {
        type: "object",
        properties: {
          guest_mac: { type: "string" }, backend: { type: "string" },
          rx_packets: { type: "integer" }, rx_bytes: { type: "integer" }, rx_dropped: { type: "integer" },
          tx_packets: { type: "integer" }, tx_bytes: { type: "integer" }, tx_dropped: { type: "integer" },
        },
      },
      Vm: {
        type: "object",
        properties: {
          id: { type: "string" },
          state: { type: "string", enum: ["NotStarted", "Running", "Paused", "Stopped"] },
          stop_reason: { type: "string" },
          created: { type: "string", format: "date-time" },
          uptime_seconds: { type: "number" },
          config: { type: "object" },
        },
      },
      InstanceActionInfo: {
        type: "object", additionalProperties: false, required: ["action_type"],
        properties: { action_type: { type: "string", enum: ["InstanceStart", "InstanceStop", "SendCtrlAltDel"] } },
      },
      VmState: {
        type: "object", additionalProperties: false, required: ["state"],
        properties: { state: { type: "string", enum: ["Paused", "Resumed"] } },
      },
      SnapshotCreateParams: {
        type: "object", additionalProperties: false, required: ["snapshot_path", "mem_file_path"],
        properties: { snapshot_path: { type: "string" }, mem_file_path: { type: "string" } },
      },
      SnapshotLoadParams: {
        type: "object", additionalProperties: false, required: ["snapshot_path", "mem_file_path"],
        properties: { snapshot_path: { type: "string" }, mem_file_path: { type: "string" }, resume_vm: { type: "boolean" } },
      },
      Metrics: {
        type: "object",
        properties: {
          instructions: { type: "number" }, mips: { type: "number" }, host_cpu_seconds: { type: "number" },
          uptime_seconds: { type: "number" }, exits: { type: "object", description: "Exits to the hypervisor by reason" },
          network_interfaces: { type: "object", additionalProperties: { $ref: "#/components/schemas/NicMetrics" }, description: "Each network card's counters, by iface_id" },
        },
      },
      GdbParams: {
        type: "object", additionalProperties: false,
        properties: { port: { type: "integer", minimum: 0, maximum: 65535, description: "TCP port on 127.0.0.1 (0 or absent: any free port)" } },
      },
      GdbStub: {
        type: "object",
        properties: { address: { type: "string" }, port: { type: "integer", description: "gdb-multiarch: target remote ADDRESS:PORT" } },
      },
      MigrateParams: {
        type: "object", additionalProperties: false, required: ["destination", "token"],
        properties: { destination: { type: "string", description: "http://HOST:PORT of the destination typevisor serve" }, token: { type: "string", description: "The destination's API token" } },
      },
      MigrationReport: {
        type: "object",
        properties: {
          destination: { type: "string" }, rounds: { type: "integer" }, pages_sent: { type: "integer" }, bytes_sent: { type: "integer" },
          downtime_ms: { type: "number", description: "From the source's final pause until the destination runs the guest" }, total_ms: { type: "number" },
        },
      },
      Host: {
        type: "object",
        properties: {
          memory_budget_mib: { type: "integer" }, memory_used_mib: { type: "integer" }, vms: { type: "integer" },
          snapshot_dir: { type: "string", description: "The server's snapshot directory (<state-dir>/snapshots), where a snapshot NAME is NAME.state and NAME.state.mem" },
        },
      },
      Snapshot: {
        type: "object",
        properties: {
          name: { type: "string" }, snapshot_path: { type: "string" }, mem_file_path: { type: "string" },
          bytes: { type: "integer", description: "Both files together" }, created: { type: "string", format: "date-time" },
        },
      },
    },
  },
  security: [{ bearer: [] }],
  paths: {
    "/openapi.json": { get: { summary: "This document", responses: { "200": { description: "The OpenAPI document" }, ...errors(401) } } },
    "/host": { get: { summary: "The host's memory budget and use", responses: { "200": { description: "Host", ...json("Host") }, ...errors(401) } } },
    "/snapshots": {
      get: { summary: "The snapshots in the server's snapshot directory, newest first (paths to give snapshot/load)", responses: { "200": { description: "Snapshots", content: { "application/json": { schema: { type: "array", items: { $ref: "#/components/schemas/Snapshot" } } } } }, ...errors(401) } },
    },
    "/snapshots/{name}": {
      parameters: [{ name: "name", in: "path", required: true, schema: { type: "string", pattern: "^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$" } }],
      delete: { summary: "Remove a snapshot of the snapshot directory (both files)", responses: { "204": { description: "Removed" }, ...errors(400, 401, 404) } },
    },
    "/vms": {
      get: { summary: "List the VMs", responses: { "200": { description: "Every VM", content: { "application/json": { schema: { type: "array", items: { $ref: "#/components/schemas/Vm" } } } } }, ...errors(401) } },
    },
    "/vms/{id}": {
      parameters: [vmId],
      put: { summary: "Define a VM (omitted parts take the built-in guest's defaults)", requestBody: json("VmConfig"), responses: { "201": { description: "Created", ...json("Vm") }, ...errors(400, 401, 403, 409, 507) } },
      get: { summary: "A VM's state, config and uptime", responses: { "200": { description: "The VM", ...json("Vm") }, ...errors(401, 404) } },
      delete: { summary: "Stop and delete a VM", responses: { "204": { description: "Deleted" }, ...errors(401, 404) } },
    },
    "/vms/{id}/network-interfaces/{iface_id}": {
      parameters: [vmId, { ...vmId, name: "iface_id" }],
      put: { summary: "Add or replace a network card of a VM that is not running (cards are plugged in before boot)", requestBody: json("NetworkInterface"), responses: { "204": { description: "Set" }, ...errors(400, 401, 404, 409) } },
      delete: { summary: "Remove a network card of a VM that is not running", responses: { "204": { description: "Removed" }, ...errors(401, 404, 409) } },
    },
    "/vms/{id}/actions": {
      parameters: [vmId],
      put: { summary: "Start or stop a VM", requestBody: json("InstanceActionInfo"), responses: { "204": { description: "Done" }, ...errors(400, 401, 404, 409, 507) } },
    },
    "/vms/{id}/vm": {
      parameters: [vmId],
      patch: { summary: "Pause or resume a VM", requestBody: json("VmState"), responses: { "204": { description: "Done" }, ...errors(400, 401, 404, 409) } },
    },
    "/vms/{id}/snapshot/create": {
      parameters: [vmId],
      put: { summary: "Write a paused VM's snapshot (state file and memory file)", requestBody: json("SnapshotCreateParams"), responses: { "204": { description: "Written" }, ...errors(400, 401, 403, 404, 409) } },
    },
    "/vms/{id}/snapshot/load": {
      parameters: [vmId],
      put: { summary: "Create VM {id} from a snapshot", requestBody: json("SnapshotLoadParams"), responses: { "201": { description: "Restored", ...json("Vm") }, ...errors(400, 401, 403, 409, 507) } },
    },
    "/vms/{id}/migrate": {
      parameters: [vmId],
      put: {
        summary: "Live-migrate a running VM to another typevisor serve (pre-copy: RAM sent while it runs, changed pages resent in rounds, a short final pause); the local VM ends Stopped",
        requestBody: json("MigrateParams"), responses: { "200": { description: "Migrated", ...json("MigrationReport") }, ...errors(400, 401, 404, 409, 502) },
      },
    },
    "/vms/{id}/migration/begin": {
      parameters: [vmId],
      put: { summary: "Destination side of a migration (called by the source): a VM with this config is arriving", requestBody: { content: { "application/json": {} } }, responses: { "204": { description: "Ready" }, ...errors(400, 401, 403, 409, 507) } },
    },
    "/vms/{id}/migration/pages": {
      parameters: [vmId],
      put: { summary: "Destination side: RAM page records (u32 page index + 4096 bytes each)", requestBody: { content: { "application/octet-stream": {} } }, responses: { "204": { description: "Applied" }, ...errors(400, 401, 404, 413) } },
    },
    "/vms/{id}/migration/finish": {
      parameters: [vmId],
      put: { summary: "Destination side: the machine state (a snapshot state file); the VM runs on here", requestBody: { content: { "application/octet-stream": {} } }, responses: { "201": { description: "Running", ...json("Vm") }, ...errors(400, 401, 404) } },
    },
    "/vms/{id}/migration/abort": {
      parameters: [vmId],
      put: { summary: "Destination side: the source gave up; what arrived is dropped", responses: { "204": { description: "Dropped" }, ...errors(401) } },
    },
    "/vms/{id}/gdb": {
      parameters: [vmId],
      put: {
        summary: "Open a GDB remote stub for a running or paused VM (one per VM): each hart a thread, with its CSRs and privilege level; the VM stops when the debugger connects and runs on when it detaches (docs/debugging.md)",
        requestBody: json("GdbParams"), responses: { "200": { description: "Listening", ...json("GdbStub") }, ...errors(400, 401, 404, 409) },
      },
    },
    "/vms/{id}/metrics": {
      parameters: [vmId],
      get: { summary: "Instructions, MIPS, host CPU and every exit to the hypervisor by reason", responses: { "200": { description: "Metrics", ...json("Metrics") }, ...errors(401, 404) } },
    },
    "/vms/{id}/console": {
      parameters: [vmId],
      get: { summary: "WebSocket (Upgrade): the UART's bytes both ways; the recent output is sent first", responses: { "101": { description: "Switching protocols" }, ...errors(401, 404) } },
    },
    "/vms/{id}/console/log": {
      parameters: [vmId, { name: "offset", in: "query", schema: { type: "integer", minimum: 0 } }],
      get: {
        summary: "Console output from byte `offset` (the last 1 MiB is kept); headers x-console-offset and x-console-next-offset say where it starts and where to poll next",
        responses: { "200": { description: "Raw bytes", content: { "application/octet-stream": {} } }, ...errors(400, 401, 404) },
      },
    },
    "/vms/{id}/console/input": {
      parameters: [vmId],
      post: {
        summary: "Bytes for the guest's console; queued until the guest reads them, never dropped",
        requestBody: { content: { "application/octet-stream": {} } },
        responses: { "204": { description: "Queued" }, ...errors(401, 404, 409, 413) },
      },
    },
  },
} as const;
