/**
 * Test helpers for the host's side of guest networking: listening on a free
 * loopback port, a port nothing listens on, serving bytes over HTTP and
 * fetching them.
 */
import { createServer as createHttpServer, get as httpGet } from "node:http";
import { createServer, type AddressInfo, type Server } from "node:net";

/** Makes `server` listen on a free port of 127.0.0.1; resolves with the port. */
export async function listenLoopback(server: Server): Promise<number> {
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return (server.address() as AddressInfo).port;
}

/** A TCP port of 127.0.0.1 nothing listens on right now. */
export async function freePort(): Promise<number> {
  const s = createServer();
  const port = await listenLoopback(s);
  await new Promise((r) => s.close(r));
  return port;
}

/** An HTTP server on loopback answering GET `path` with `bytes` (404 for other paths). */
export async function serveBytes(bytes: Uint8Array, path: string): Promise<{ port: number; close(): void }> {
  const server = createHttpServer((req, res) => {
    if (req.url === path) { res.writeHead(200, { "content-length": bytes.length }); res.end(bytes); return; }
    res.writeHead(404).end();
  });
  return { port: await listenLoopback(server), close: () => server.close() };
}

/** Fetches http://127.0.0.1:port/path from the host (rejects unless 200). */
export function fetchHost(port: number, path: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    httpGet({ host: "127.0.0.1", port, path }, (res) => {
      const parts: Buffer[] = [];
      res.on("data", (d: Buffer) => parts.push(d));
      res.on("end", () => (res.statusCode === 200 ? resolve(Buffer.concat(parts)) : reject(new Error(`HTTP ${res.statusCode}`))));
    }).on("error", reject);
  });
}
