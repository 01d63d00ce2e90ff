/**
 * `node:path` (POSIX) for the play page's worker bundle: joining, resolving
 * against the in-memory file system's current directory, and splitting paths.
 */
import { memFs } from "./node-fs.js";

/** path.sep */
export const sep = "/";

/** path.normalize: "." and ".." folded, slashes collapsed, a trailing slash kept. */
export function normalize(p: string): string {
  if (p === "") return ".";
  const abs = p.startsWith("/");
  const out: string[] = [];
  for (const c of p.split("/")) {
    if (c === "" || c === ".") continue;
    if (c === ".." && out.length > 0 && out[out.length - 1] !== "..") out.pop();
    else if (c !== ".." || !abs) out.push(c);
  }
  const body = out.join("/");
  const tail = p.endsWith("/") && body !== "" ? "/" : "";
  return abs ? "/" + body + tail : (body || ".") + tail;
}

/** path.join */
export function join(...parts: string[]): string {
  return normalize(parts.filter((s) => s !== "").join("/"));
}

/** path.resolve: an absolute path, relative ones taken from the current directory. */
export function resolve(...parts: string[]): string {
  let at = "";
  for (let i = parts.length - 1; i >= 0 && !at.startsWith("/"); i--) if (parts[i] !== "") at = at === "" ? parts[i] : `${parts[i]}/${at}`;
  if (!at.startsWith("/")) at = `${memFs.pathOf(memFs.cwd)}/${at}`;
  const n = normalize(at);
  return n.length > 1 && n.endsWith("/") ? n.slice(0, -1) : n;
}

/** path.dirname */
export function dirname(p: string): string {
  const s = p.replace(/\/+$/, "");
  if (s === "") return p.startsWith("/") ? "/" : ".";
  const i = s.lastIndexOf("/");
  return i < 0 ? "." : i === 0 ? "/" : s.slice(0, i);
}

/** path.basename */
export function basename(p: string): string {
  const s = p.replace(/\/+$/, "");
  return s.slice(s.lastIndexOf("/") + 1);
}

/** path.isAbsolute */
export function isAbsolute(p: string): boolean {
  return p.startsWith("/");
}

/** path.posix: the same functions (this module is POSIX only). */
export const posix = { sep, normalize, join, resolve, dirname, basename, isAbsolute };
