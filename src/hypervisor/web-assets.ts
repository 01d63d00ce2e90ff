/**
 * The dashboard's static files (built by `npm run build` into dist/web/:
 * scripts/bundle.mjs), served by `typevisor serve` at `/` and `/web/...`
 * without a token: the page holds no secret and asks for the token itself;
 * and the play page at `/play/` (dist/web/play/: a VM that runs in the tab).
 */
import { readFileSync } from "node:fs";
import type { ServerResponse } from "node:http";
import { fileURLToPath } from "node:url";
import { join, normalize } from "node:path";

/** dist/web/, from dist/src/hypervisor/ and from the bundle's dist/src/bundle/ alike. */
const WEB_DIR = fileURLToPath(new URL("../../web/", import.meta.url));

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml", ".png": "image/png", ".json": "application/json",
};

/** Answers GET `url` when it names the dashboard or one of its files; false for every other path (the API's). */
export function serveWeb(url: string, res: ServerResponse): boolean {
  const path = url.split("?")[0];
  let file: string;
  if (path === "/" || path === "/index.html") file = "index.html";
  else if (path.startsWith("/web/")) file = normalize(path.slice(5));
  else if (path === "/play") { res.writeHead(308, { location: "/play/" }).end(); return true; }
  else if (path === "/play/") file = "play/index.html";
  else if (path.startsWith("/play/")) file = normalize(path.slice(1));
  else return false;
  if (file.startsWith("..") || file.includes("/..")) return notFound(res, path);
  let body: Buffer;
  try {
    body = readFileSync(join(WEB_DIR, file));
  } catch {
    if (file.endsWith("index.html")) {
      res.writeHead(503, { "content-type": "text/plain; charset=utf-8" }).end("The dashboard is not built: run npm run build.\n");
      return true;
    }
    return notFound(res, path);
  }
  const ext = file.slice(file.lastIndexOf("."));
  res.writeHead(200, { "content-type": TYPES[ext] ?? "application/octet-stream", "cache-control": "no-cache" }).end(body);
  return true;
}

function notFound(res: ServerResponse, path: string): true {
  res.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ fault_message: `no file ${path}` }) + "\n");
  return true;
}
