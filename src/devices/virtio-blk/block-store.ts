/**
 * Where a virtio-blk disk's bytes live: a raw image file on the host (Node),
 * or bytes in memory (a browser tab, or a throwaway disk). The device only
 * reads, writes and flushes at byte offsets through this interface, so it
 * runs the same in both hosts.
 */

/** The disk image cannot be used. */
export class DiskImageError extends Error {
  constructor(readonly path: string, reason: string) {
    super(`disk image ${path}: ${reason}`);
    this.name = "DiskImageError";
  }
}

/** A disk's storage. */
export interface BlockStore {
  /** What to call it in messages (the file's path, or a name). */
  readonly name: string;
  /** Size in bytes. */
  readonly size: number;
  /** Writes are refused. */
  readonly readonly: boolean;
  /** Fills `into` from byte `offset` (zeros past the end). */
  read(into: Uint8Array, offset: number): void;
  /** Writes `from` at byte `offset`. */
  write(from: Uint8Array, offset: number): void;
  /** Makes completed writes durable. */
  flush(): void;
  /** Flushes and lets go of the storage. */
  close(): void;
}

/** A disk held in memory (its bytes are used in place). */
export class MemoryBlockStore implements BlockStore {
  readonly size: number;

  constructor(readonly name: string, readonly bytes: Uint8Array, readonly readonly = false) {
    this.size = bytes.length;
  }

  read(into: Uint8Array, offset: number): void {
    const part = this.bytes.subarray(offset, offset + into.length);
    into.set(part);
    into.fill(0, part.length);
  }

  write(from: Uint8Array, offset: number): void {
    this.bytes.set(from.subarray(0, Math.max(0, this.size - offset)), offset);
  }

  flush(): void {}

  close(): void {}
}

/** The fs functions a file store uses (Node's, reached without a static import so that browsers can load this module). */
interface HostFs {
  openSync(path: string, flags: string): number;
  fstatSync(fd: number): { size: number; isFile(): boolean };
  readSync(fd: number, b: Uint8Array, off: number, len: number, pos: number): number;
  writeSync(fd: number, b: Uint8Array, off: number, len: number, pos: number): number;
  fsyncSync(fd: number): void;
  closeSync(fd: number): void;
}

/** Node's fs module, when this host has one. */
function hostFs(): HostFs | undefined {
  const p = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  return p?.getBuiltinModule?.("node:fs") as HostFs | undefined;
}

/** A raw disk image file on the host, read and written in place with synchronous I/O. */
export class FileBlockStore implements BlockStore {
  private constructor(
    readonly name: string,
    private readonly fs: HostFs,
    private fd: number | undefined,
    readonly size: number,
    readonly readonly: boolean,
  ) {}

  /**
   * Opens `path` (read-only when asked, or when it cannot be opened for
   * writing); throws DiskImageError when it cannot be used.
   */
  static open(path: string, readonly = false): FileBlockStore {
    const fs = hostFs();
    if (fs === undefined) throw new DiskImageError(path, "this host has no files (in a browser, give the disk's bytes instead)");
    let ro = readonly;
    let fd: number | undefined;
    try {
      if (!ro) {
        try {
          fd = fs.openSync(path, "r+");
        } catch (e) {
          const code = (e as { code?: string }).code;
          if (code !== "EACCES" && code !== "EROFS" && code !== "EPERM") throw e;
          ro = true;
        }
      }
      if (fd === undefined) fd = fs.openSync(path, "r");
    } catch (e) {
      const err = e as Error & { code?: string };
      throw new DiskImageError(path, err.code === "ENOENT" ? "no such file" : err.message);
    }
    const st = fs.fstatSync(fd);
    if (!st.isFile()) {
      fs.closeSync(fd);
      throw new DiskImageError(path, "not a regular file");
    }
    return new FileBlockStore(path, fs, fd, st.size, ro);
  }

  read(into: Uint8Array, offset: number): void {
    const n = this.fs.readSync(this.handle(), into, 0, into.length, offset);
    if (n < into.length) into.fill(0, n); // the file shrank under us
  }

  write(from: Uint8Array, offset: number): void {
    const fd = this.handle();
    let done = 0;
    while (done < from.length) done += this.fs.writeSync(fd, from, done, from.length - done, offset + done);
  }

  flush(): void {
    if (!this.readonly) this.fs.fsyncSync(this.handle());
  }

  close(): void {
    if (this.fd === undefined) return;
    this.flush();
    this.fs.closeSync(this.fd);
    this.fd = undefined;
  }

  private handle(): number {
    if (this.fd === undefined) throw new Error(`${this.name} is closed`);
    return this.fd;
  }
}
