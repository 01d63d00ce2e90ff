/**
 * A virtio entropy device (VIRTIO 1.2, "Entropy Device"): one request queue
 * whose device-writable buffers it fills with random bytes from the host's
 * cryptographic generator. No feature bits, no configuration space.
 */
import { fillRandom } from "../../platform/host.js";
import { VirtioId, type VirtioDeviceModel } from "../virtio/mmio.js";
import type { Virtqueue } from "../virtio/queue.js";

/** Size of the request queue. */
export const RNG_QUEUE_SIZE = 64;

export class VirtioRng implements VirtioDeviceModel {
  readonly name = "rng";
  readonly deviceId = VirtioId.Entropy;
  readonly features = 0n;
  readonly queueSizes = [RNG_QUEUE_SIZE];
  readonly config = new Uint8Array(0);

  constructor(
    /** Source of the bytes (the host CSPRNG; tests may pass their own). */
    private readonly fill: (bytes: Uint8Array) => void = fillRandom,
  ) {}

  notify(queue: Virtqueue): void {
    for (let chain = queue.pop(); chain !== undefined; chain = queue.pop()) {
      for (const s of chain.writable) this.fill(s.bytes);
      queue.push(chain, chain.writableLength);
    }
  }

  reset(): void {}
}
