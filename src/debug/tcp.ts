/**
 * Serving a GDB stub on a TCP port (Node's net module): `typevisor run -g PORT`
 * listens on the loopback interface, as a debugger on the same machine
 * (`target remote :PORT`) expects, and takes one connection.
 */
import { createServer, type Socket } from "node:net";
import { GdbStub } from "./stub.js";
import type { DebugTarget, StopEvent } from "./target.js";

/** A debugger connected over TCP. */
export interface GdbConnection {
  readonly stub: GdbStub;
  /** Sends what is pending and closes the connection. */
  close(): void;
}

/** Why a port could not be listened on, as one line. */
export class GdbListenError extends Error {}

/**
 * Listens on 127.0.0.1:`port`, calls `listening` once it does, and resolves
 * when a debugger connects (the listener then closes). The stub reports the
 * guest as stopped by `initial` until the debugger resumes it; when the
 * debugger disconnects without killing the guest, the guest runs on.
 */
export function acceptGdb(port: number, target: DebugTarget & { detach(): void }, initial: StopEvent, listening: () => void): Promise<GdbConnection> {
  return new Promise((resolve, reject) => {
    const server = createServer({ noDelay: true });
    server.once("error", (e: NodeJS.ErrnoException) => {
      reject(new GdbListenError(e.code === "EADDRINUSE" ? `port ${port} is already in use` : `cannot listen on port ${port}: ${e.message}`));
    });
    server.listen(port, "127.0.0.1", listening);
    server.once("connection", (socket: Socket) => {
      server.close();
      socket.setNoDelay(true);
      let open = true;
      const stub = new GdbStub(target, (bytes) => { if (open) socket.write(bytes, "latin1"); }, initial);
      socket.on("data", (d: Buffer) => stub.receive(d.toString("latin1")));
      socket.on("error", () => {});
      socket.on("close", () => {
        if (!open) return;
        open = false;
        target.detach();
      });
      resolve({ stub, close: () => { if (open) { open = false; socket.end(); } } });
    });
  });
}
