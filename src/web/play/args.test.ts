import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { test } from "node:test";
import { ArgsError, splitArgs } from "./args.js";

/** How /bin/sh splits `line` (printf prints each word on its own line, NUL-ended). */
function shWords(line: string): string[] {
  const out = execFileSync("/bin/sh", ["-c", `printf '%s\\0' ${line}`], { encoding: "utf8" });
  return out.split("\0").slice(0, -1);
}

test("the arguments field is split into words as /bin/sh splits them", () => {
  for (const line of [
    "a b  c", `sh -c 'echo hi > /tmp/f; cat /tmp/f'`, `"double \\"quoted\\" \\\\ \\$x" tail`, `mixed'single'"double"\\ plain`,
    `  leading and trailing  `, `''`, `"a b"'c d'`, `back\\\\slash`, `tab\there`,
  ]) assert.deepEqual(splitArgs(line), shWords(line), line);
});

test("an unclosed quote or a trailing backslash is an error, not a guess", () => {
  assert.throws(() => splitArgs("'open"), ArgsError);
  assert.throws(() => splitArgs('"open'), ArgsError);
  assert.throws(() => splitArgs("end\\"), ArgsError);
});
