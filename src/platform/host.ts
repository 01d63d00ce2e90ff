/**
 * What the emulation core needs from its host that differs between Node and a
 * browser, chosen once by feature detection: a monotonic nanosecond clock, a
 * prompt yield to the event loop, and random bytes. The core imports these
 * instead of Node modules, so that it runs in a Web Worker as well.
 */

interface NodeLike {
  hrtime?: { bigint(): bigint };
}
const nodeProcess = (globalThis as { process?: NodeLike }).process;
const hrtime = nodeProcess?.hrtime;

/** Host monotonic time in nanoseconds (Node's hrtime, else performance.now()). */
export const monotonicNs: () => bigint = hrtime !== undefined
  ? () => hrtime.bigint()
  : () => BigInt(Math.round(performance.now() * 1e6));

/**
 * Lets the host's event loop run (I/O, timers, messages) and resumes as soon
 * as it has: setImmediate in Node, a MessageChannel round trip in a browser
 * (setTimeout(0) would be clamped to 4 ms there).
 */
export const yieldToHost: () => Promise<void> = (() => {
  const immediate = (globalThis as { setImmediate?: (f: () => void) => void }).setImmediate;
  if (immediate !== undefined) return () => new Promise<void>((r) => immediate(r));
  const channel = new MessageChannel();
  const waiting: (() => void)[] = [];
  channel.port1.onmessage = () => waiting.shift()?.();
  return () => new Promise<void>((r) => { waiting.push(r); channel.port2.postMessage(0); });
})();

/** Fills `bytes` with cryptographically strong random bytes (Web Crypto, in both hosts). */
export function fillRandom(bytes: Uint8Array): void {
  for (let at = 0; at < bytes.length; at += 65536) crypto.getRandomValues(bytes.subarray(at, Math.min(bytes.length, at + 65536)));
}
