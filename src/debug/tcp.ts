/**
 * Serving a GDB stub on a TCP port (Node's net module): `typevisor run -g PORT`
 * and `typevisor boot -s` listen on the loopback interface, as a debugger on
 * the same machine (`target remote :PORT`) expects, and take one connection.
 */
import { createServer, type Socket } from "node:net";
import { GdbStub } from "./stub.js";
import type { DebugTarget, StopEvent } from "./target.js";

/** A port waiting for, then serving, one debugger. */
export interface GdbServer {
  /** The port listened on (the one asked for, or the one the host chose for port 0). */
  readonly port: number;
  /** Resolves with the stub once a debugger has connected. */
  readonly connected: Promise<GdbStub>;
  /** Stops listening, or sends what is pending and closes the connection. */
  close(): void;
}

/** Why a port could not be listened on, as one line. */
export class GdbListenError extends Error {}

/**
 * Listens on 127.0.0.1:`port` (0: any free port) and resolves once it does. When a debugger
 * connects (the listener then closes), `onConnect` attaches the stub to the
 * VM and returns the stop the guest is held at. When the debugger
 * disconnects without ending the guest, the guest runs on (target.detach()).
 */
export function listenGdb(port: number, target: DebugTarget, onConnect: (stub: GdbStub) => StopEvent): Promise<GdbServer> {
  return new Promise((resolve, reject) => {
    const server = createServer({ noDelay: true });
    let socket: Socket | undefined;
    let open = false;
    let connected!: (s: GdbStub) => void;
    const whenConnected = new Promise<GdbStub>((r) => { connected = r; });
    server.once("error", (e: NodeJS.ErrnoException) => {
      reject(new GdbListenError(e.code === "EADDRINUSE" ? `port ${port} is already in use` : `cannot listen on port ${port}: ${e.message}`));
    });
    server.once("connection", (s: Socket) => {
      server.close();
      socket = s;
      open = true;
      s.setNoDelay(true);
      const stub = new GdbStub(target, (bytes) => { if (open) s.write(bytes, "latin1"); });
      stub.holdAt(onConnect(stub));
      s.on("data", (d: Buffer) => stub.receive(d.toString("latin1")));
      s.on("error", () => {});
      s.on("close", () => {
        if (!open) return;
        open = false;
        target.detach();
      });
      connected(stub);
    });
    server.listen(port, "127.0.0.1", () => resolve({
      port: (server.address() as { port: number }).port,
      connected: whenConnected,
      close: () => {
        if (socket === undefined) server.close();
        else if (open) { open = false; socket.end(); }
      },
    }));
  });
}
