/**
 * An Ethernet learning switch with no I/O: ports are callbacks. A frame that
 * comes in on port P teaches the switch that its source MAC address lives
 * behind P (unless the source is a group address, which no station owns), then
 * goes out:
 *
 *   - unicast to an address the switch knows: to that port only, or nowhere
 *     when that port is P itself (the station already heard it on its segment);
 *   - unicast to an unknown address, broadcast or multicast: to every port
 *     but P (flooding).
 *
 * Learned addresses age out after `agingMs` without a frame from them (IEEE
 * 802.1D's default is 300 s) and are forgotten at once when their port
 * detaches. Frames shorter than an Ethernet header or longer than MAX_FRAME
 * are dropped and counted on the port they came in on.
 */
import { ETH_HEADER, MAX_FRAME, type Mac } from "../link.js";

/** IEEE 802.1D's default ageing time for learned addresses. */
export const DEFAULT_AGING_MS = 300_000;
/**
 * Most addresses the table holds. A guest sending from random source
 * addresses (MAC flooding) cannot grow it past this: new addresses are then
 * not learned, and frames to them are flooded as if unknown.
 */
export const DEFAULT_MAX_ENTRIES = 4096;

/** Frame and byte counters of one switch port (in = from the station, out = to it). */
export interface PortCounters {
  framesIn: number;
  bytesIn: number;
  framesOut: number;
  bytesOut: number;
  /** Frames that came in too short or too long to be Ethernet frames. */
  dropped: number;
  /** Good frames not forwarded because their destination is behind the port they came from. */
  filtered: number;
}

/** One port of an L2Switch. */
export interface L2Port {
  /** Number of the port, unique within its switch. */
  readonly id: number;
  /** Live counters of the port. */
  readonly counters: Readonly<PortCounters>;
  /** Whether the port is still attached. */
  readonly attached: boolean;
  /** A frame from the station on this port; `frame` is not kept past the call. */
  input(frame: Uint8Array): void;
  /** Leaves the switch: the port's learned addresses are forgotten. */
  detach(): void;
}

/** Options of an L2Switch (tests inject a clock). */
export interface L2SwitchOptions {
  /** How long a learned address lives without a frame from it. */
  agingMs?: number;
  /** Most learned addresses. */
  maxEntries?: number;
  /** Milliseconds of a monotonic clock. */
  now?: () => number;
}

/** Sends a frame out of a port; must not keep `frame` past the call (copy it). */
export type PortSend = (frame: Uint8Array) => void;

interface Entry {
  port: PortImpl;
  seen: number;
}

class PortImpl implements L2Port {
  readonly counters: PortCounters = { framesIn: 0, bytesIn: 0, framesOut: 0, bytesOut: 0, dropped: 0, filtered: 0 };
  attached = true;

  constructor(readonly id: number, readonly send: PortSend, private readonly hooks: SwitchHooks) {}

  input(frame: Uint8Array): void {
    this.hooks.input(this, frame);
  }

  detach(): void {
    if (this.attached) this.hooks.detach(this);
  }
}

/** What ports call back into; kept off the switch's public surface. */
interface SwitchHooks {
  input(port: PortImpl, frame: Uint8Array): void;
  detach(port: PortImpl): void;
}

/** The 48-bit address at `offset` of a frame as a number (exact in a double). */
function macKey(frame: Uint8Array, offset: number): number {
  return (
    (frame[offset] * 0x10000 + frame[offset + 1] * 0x100 + frame[offset + 2]) * 0x1000000 +
    frame[offset + 3] * 0x10000 + frame[offset + 4] * 0x100 + frame[offset + 5]
  );
}

/** An L2 learning switch: attach ports, feed frames to them with port.input. */
export class L2Switch {
  readonly #ports = new Map<number, PortImpl>();
  readonly #table = new Map<number, Entry>();
  readonly #agingMs: number;
  readonly #maxEntries: number;
  readonly #now: () => number;
  #nextId = 0;
  #nextSweep: number;
  readonly #hooks: SwitchHooks = {
    input: (port, frame) => this.#input(port, frame),
    detach: (port) => this.#detach(port),
  };

  constructor(options: L2SwitchOptions = {}) {
    this.#agingMs = options.agingMs ?? DEFAULT_AGING_MS;
    this.#maxEntries = options.maxEntries ?? DEFAULT_MAX_ENTRIES;
    this.#now = options.now ?? (() => performance.now());
    this.#nextSweep = this.#now() + this.#agingMs;
  }

  /** Adds a port whose outgoing frames go to `send`. */
  attach(send: PortSend): L2Port {
    const port = new PortImpl(this.#nextId++, send, this.#hooks);
    this.#ports.set(port.id, port);
    return port;
  }

  /** Ports attached now. */
  get portCount(): number {
    return this.#ports.size;
  }

  /** Addresses learned and not yet aged out or forgotten. */
  get tableSize(): number {
    this.#sweep(this.#now());
    return this.#table.size;
  }

  /** The port behind which `mac` was last seen, or undefined when unknown or aged out. */
  lookup(mac: Mac): L2Port | undefined {
    return this.#find(macKey(mac, 0), this.#now())?.port;
  }

  #input(port: PortImpl, frame: Uint8Array): void {
    const c = port.counters;
    if (!port.attached || frame.length < ETH_HEADER || frame.length > MAX_FRAME) {
      c.dropped++;
      return;
    }
    c.framesIn++;
    c.bytesIn += frame.length;
    const now = this.#now();
    if (now >= this.#nextSweep) this.#sweep(now);
    if ((frame[6] & 1) === 0) this.#learn(macKey(frame, 6), port, now);
    if ((frame[0] & 1) === 0) {
      const known = this.#find(macKey(frame, 0), now);
      if (known !== undefined) {
        if (known.port === port) c.filtered++;
        else this.#send(known.port, frame);
        return;
      }
    }
    for (const out of this.#ports.values()) if (out !== port) this.#send(out, frame);
  }

  #send(port: PortImpl, frame: Uint8Array): void {
    port.counters.framesOut++;
    port.counters.bytesOut += frame.length;
    port.send(frame);
  }

  #learn(key: number, port: PortImpl, now: number): void {
    const entry = this.#table.get(key);
    if (entry !== undefined) {
      entry.port = port;
      entry.seen = now;
      return;
    }
    if (this.#table.size >= this.#maxEntries) {
      this.#sweep(now);
      if (this.#table.size >= this.#maxEntries) return;
    }
    this.#table.set(key, { port, seen: now });
  }

  #find(key: number, now: number): Entry | undefined {
    const entry = this.#table.get(key);
    if (entry === undefined) return undefined;
    if (now - entry.seen >= this.#agingMs) {
      this.#table.delete(key);
      return undefined;
    }
    return entry;
  }

  /** Drops every aged-out entry (lookups drop them too; this bounds the table's memory). */
  #sweep(now: number): void {
    for (const [key, entry] of this.#table) if (now - entry.seen >= this.#agingMs) this.#table.delete(key);
    this.#nextSweep = now + this.#agingMs;
  }

  #detach(port: PortImpl): void {
    port.attached = false;
    this.#ports.delete(port.id);
    for (const [key, entry] of this.#table) if (entry.port === port) this.#table.delete(key);
  }
}
