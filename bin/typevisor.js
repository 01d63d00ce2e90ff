#!/usr/bin/env node
// The command-line tool: the bundle of dist/ when it is at least as
// new as the build (scripts/bundle.mjs; it loads faster), else dist/ itself.
import { statSync } from "node:fs";

const bundle = new URL("../dist/src/bundle/main.js", import.meta.url);
const modules = new URL("../dist/src/cli/main.js", import.meta.url);

function bundleIsCurrent() {
  try {
    return statSync(bundle).mtimeMs >= statSync(modules).mtimeMs;
  } catch {
    return false;
  }
}

const { main } = await import(bundleIsCurrent() ? bundle.href : modules.href);
main(process.argv.slice(2)).then((code) => process.exit(code));
