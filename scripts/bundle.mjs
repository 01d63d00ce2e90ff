#!/usr/bin/env node
// Bundles the command-line tool (dist/src/cli/main.js and everything it
// imports) into a few files in dist/src/bundle/ after tsc has built dist/:
// Node loads them much faster than it resolves and loads some two hundred
// modules, which is a good part of a short run's start-up. Each subcommand
// (loaded by main.js with import()) gets its own chunk, so `run` does not
// load the hypervisor's server and its packages. bin/typevisor.js uses the
// bundle when it is newer than the build.
// The bundle sits at the depth of dist/src/<dir>/ so paths that modules make
// from import.meta.url (images/, hypervisor/worker.js) resolve as unbundled.
import { build } from "esbuild";
import { copyFileSync, mkdirSync, rmSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
rmSync(`${root}/dist/src/bundle`, { recursive: true, force: true }); // chunks of an earlier build
await build({
  absWorkingDir: root,
  entryPoints: ["dist/src/cli/main.js"],
  outdir: "dist/src/bundle",
  entryNames: "[name]",
  chunkNames: "chunk-[hash]",
  splitting: true,
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  packages: "external",
  logLevel: "warning",
});

/** Bundles `entryPoints` for browsers into `outdir` (a `node:` import reachable from them fails the build). */
function browserBundle(entryPoints, outdir) {
  return build({
    absWorkingDir: root, entryPoints, outdir, bundle: true, platform: "browser", format: "esm", target: "chrome110",
    minify: true, sourcemap: true, logLevel: "warning",
  });
}

// The dashboard (src/web/dashboard/), served by typevisor serve at / from dist/web/.
rmSync(`${root}/dist/web`, { recursive: true, force: true });
mkdirSync(`${root}/dist/web`, { recursive: true });
await browserBundle({ dashboard: "src/web/dashboard/main.ts" }, "dist/web");
copyFileSync(`${root}/src/web/dashboard/index.html`, `${root}/dist/web/index.html`);

// The play page (src/web/play/): the built-in guest booted inside the tab, a
// static site in dist/web/play/ with the guest's images beside it (served by
// typevisor serve at /play/, or by any static host).
mkdirSync(`${root}/dist/web/play/images`, { recursive: true });
await browserBundle({ play: "src/web/play/main.ts", "vm-worker": "src/web/play/vm-worker.ts" }, "dist/web/play");
copyFileSync(`${root}/src/web/play/index.html`, `${root}/dist/web/play/index.html`);
for (const f of ["fw_dynamic.bin", "Image", "initramfs.cpio"]) copyFileSync(`${root}/images/${f}`, `${root}/dist/web/play/images/${f}`);
