/**
 * Which host files the API may name (kernel, initrd, firmware, drives,
 * snapshots): only those inside an allowed directory once every symlink and
 * `..` is resolved, so neither `../../etc/shadow` nor a symlink planted in an
 * allowed directory reaches outside it.
 */
import { existsSync, realpathSync } from "node:fs";
import { dirname, isAbsolute, resolve, sep } from "node:path";
import { ApiError, badRequest } from "./api/errors.js";

/** The allowed directories, resolved once. */
export class PathPolicy {
  private readonly roots: string[];

  constructor(dirs: string[]) {
    this.roots = dirs.map((d) => realpathSync(d));
  }

  /** The directories as resolved. */
  get allowed(): readonly string[] {
    return this.roots;
  }

  /**
   * The real path of an existing file named by `field`, or an ApiError: 400 when
   * it is not an absolute path or does not exist, 403 when it lies outside
   * every allowed directory.
   */
  existing(field: string, path: string): string {
    if (!isAbsolute(path)) throw badRequest(`${field}: '${path}' is not an absolute path`);
    if (!existsSync(path)) throw badRequest(`${field}: ${path}: no such file`);
    const real = realpathSync(path);
    this.check(field, path, real);
    return real;
  }

  /**
   * The path at which a new file named by `field` may be written (its directory
   * must exist and be allowed; an existing file there must be allowed too).
   */
  writable(field: string, path: string): string {
    if (!isAbsolute(path)) throw badRequest(`${field}: '${path}' is not an absolute path`);
    if (existsSync(path)) return this.existing(field, path);
    const dir = dirname(resolve(path));
    if (!existsSync(dir)) throw badRequest(`${field}: directory ${dir} does not exist`);
    const real = resolve(realpathSync(dir), resolve(path).slice(dir.length + 1));
    this.check(field, path, real);
    return real;
  }

  private check(field: string, path: string, real: string): void {
    if (!this.roots.some((r) => real === r || real.startsWith(r.endsWith(sep) ? r : r + sep))) {
      throw new ApiError(403, `${field}: ${path} is outside the allowed directories (see --allow-path)`);
    }
  }
}
