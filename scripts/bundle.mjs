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
import { copyFileSync, existsSync, mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
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

/**
 * Bundles `entryPoints` for browsers into `outdir` (a `node:` import reachable
 * from them fails the build, unless `extra` maps it, as nodeInTheTab does).
 */
function browserBundle(entryPoints, outdir, extra = {}) {
  return build({
    absWorkingDir: root, entryPoints, outdir, bundle: true, platform: "browser", format: "esm", target: "chrome110",
    minify: true, sourcemap: true, logLevel: "warning", ...extra,
  });
}

/**
 * For the process VM in a Web Worker: the Node modules it imports answered by
 * src/platform/browser/ (files in memory, the page's terminal, no host sockets
 * or programs), and the Node globals it names (process, Buffer, setImmediate)
 * injected from there.
 */
const nodeInTheTab = {
  inject: ["src/platform/browser/globals.ts"],
  plugins: [{
    name: "node-in-the-tab",
    setup(b) {
      const to = { fs: "node-fs", path: "node-path", os: "node-os", crypto: "node-crypto", tty: "node-tty", child_process: "node-absent", net: "node-absent", dgram: "node-absent" };
      b.onResolve({ filter: /^node:/ }, (a) => {
        const file = to[a.path.slice(5)];
        return file === undefined ? undefined : { path: join(root, "src/platform/browser", `${file}.ts`) };
      });
    },
  }],
};

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

// Its program mode: the process VM in a worker, with hello.riscv64 and a
// static riscv64 busybox (built as the tests build it, when the cross
// compiler and the source are there; else the page offers hello alone).
await browserBundle({ "program-worker": "src/web/play/program-worker.ts" }, "dist/web/play", nodeInTheTab);
copyFileSync(`${root}/examples/hello.riscv64`, `${root}/dist/web/play/images/hello.riscv64`);
const busybox = `${root}/tests/build/busybox/busybox`;
if (!existsSync(busybox)) {
  try {
    (await import(`${root}/dist/tests/busybox-build.js`)).buildBusybox();
  } catch (e) {
    console.warn(`bundle: no busybox for the play page (${String(e.message).split("\n")[0]})`);
  }
}
if (existsSync(busybox)) copyFileSync(busybox, `${root}/dist/web/play/images/busybox`);
