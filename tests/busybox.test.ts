/**
 * Real software nobody here wrote: Debian's busybox, cross-built statically for
 * riscv64 from its Debian source package (unpacked under tests/build/src by
 * scripts/install-test-deps.sh), runs a table of applets under qemu-riscv64
 * and under typevisor; stdout, stderr and exit status must match.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { BUSYBOX, buildBusybox } from "./busybox-build.js";
import { GUEST_ENV, runUnderQemu, runUnderTypevisor, TYPEVISOR_BIN } from "./guest-run.js";
import { requireTool } from "./build-guests.js";
import { spawn } from "node:child_process";

const TIMEOUT_MS = 60_000;

/** One applet invocation: its arguments and optional stdin. */
interface Case {
  args: string[];
  stdin?: string;
}

const TEXT = "pear 3\napple 10\nfig 7\napple 2\nbanana 10\ncherry 1\n";

const CASES: Case[] = [
  { args: ["sh", "-c", "x=0; for i in 1 2 3 4 5 6 7 8 9 10; do x=$((x + i * i)); done; echo sum $x; f() { echo \"f:$1:${#2}\"; }; f a bcd; case hello in h*) echo glob ok;; esac; s=abcdef; echo ${s#ab} ${s%ef} ${s:2:3}; exit 3"] },
  { args: ["sh", "-c", "read a b; echo \"[$b][$a]\"; while read line; do echo \"> $line\"; done"], stdin: "one two\nthree\nfour\n" },
  // Forks without exec: pipelines of builtins, subshells, command substitution, background jobs.
  { args: ["sh", "-c", "echo one two | (read a b; echo \"got $b $a\"); (exit 3); echo status $?; x=$(echo sub; echo shell); echo \"[$x]\"; for i in 3 1 2; do echo $i; done | while read n; do echo n=$n; done; (sleep 0; exit 4) & wait $!; echo bg $?; trap 'echo trapped' USR1; kill -USR1 $$; echo end"] },
  // External commands are the host's own programs (PATH=/usr/bin:/bin): under qemu-riscv64 they run
  // natively, and typevisor runs them as host processes, bridging the guest's pipes to them.
  { args: ["sh", "-c", "ls | sort | head -n 2; cat data.txt | tr a-z A-Z | sort -k2,2n | head -n 3; yes | head -n 2; seq 1 5000 | tail -n 1; /bin/sh -c 'exit 6'; echo host status $?; env -i X=1 env; exec 3>fd3.txt; /bin/sh -c 'echo to fd 3 >&3'; exec 3>&-; cat fd3.txt; echo done"] },
  { args: ["sort", "-k2,2n", "-k1,1", "data.txt"] },
  { args: ["sort", "-u", "-r"], stdin: TEXT },
  { args: ["uniq", "-c"], stdin: "a\na\nb\nc\nc\nc\n" },
  { args: ["wc", "data.txt", "big.txt"] },
  { args: ["head", "-n", "3", "big.txt"] },
  { args: ["tail", "-c", "50", "big.txt"] },
  { args: ["cut", "-d", " ", "-f", "2", "data.txt"] },
  { args: ["tr", "a-z", "A-Z"], stdin: TEXT },
  { args: ["sed", "-e", "s/\\([a-z]*\\) \\([0-9]*\\)/\\2:\\1/", "-e", "/^1/d", "data.txt"] },
  { args: ["awk", "{ n[$1] += $2; t += $2 } END { for (k in n) c++; printf \"%d keys, total %d, mean %.4f, sqrt %.6f\\n\", c, t, t / NR, sqrt(t) }", "data.txt"] },
  { args: ["awk", "BEGIN { for (i = 0; i < 20000; i++) s += sin(i) * cos(i / 3); printf \"%.9f %e %g\\n\", s, s * 1e10, 1 / 3 }"] },
  { args: ["grep", "-n", "-E", "^(apple|fig) [0-9]+$", "data.txt"] },
  { args: ["grep", "-c", "zzz", "data.txt"] },
  { args: ["md5sum", "data.txt", "big.txt"] },
  { args: ["sha1sum", "big.txt"] },
  { args: ["sha256sum", "big.txt"] },
  { args: ["sha512sum", "big.txt"] },
  { args: ["od", "-A", "x", "-t", "x1z", "-N", "48", "big.txt"] },
  { args: ["base64", "data.txt"] },
  { args: ["gzip", "-9", "-c", "big.txt"] },
  { args: ["bzip2", "-c", "big.txt"] },
  { args: ["dd", "if=big.txt", "bs=7", "skip=3", "count=5", "status=noxfer"] },
  { args: ["expr", "123456789", "*", "987654321", "%", "1000007"] },
  { args: ["factor", "600851475143", "9007199254740881"] },
  { args: ["seq", "-s", ",", "-w", "1", "3", "25"] },
  { args: ["printf", "%5.2f|%-6s|%x|%o|%e\\n", "3.14159", "ab", "255", "8", "12345.678"] },
  { args: ["date", "-u", "-d", "@1234567890", "+%Y-%m-%d %H:%M:%S %j %a"] },
  { args: ["dc", "-e", "2 100 ^ p 7 k 2 v p"] },
  { args: ["find", ".", "-name", "*.txt", "-type", "f"] },
  { args: ["ls", "-1", "-a"] },
  { args: ["cmp", "data.txt", "big.txt"] },
  { args: ["diff", "-u", "data.txt", "data2.txt"] },
  { args: ["rev", "data.txt"] },
  { args: ["tac", "data.txt"] },
  { args: ["nl", "-ba", "data.txt"] },
  { args: ["fold", "-w", "7", "data.txt"] },
  { args: ["cksum", "big.txt"] },
  { args: ["xxd", "-l", "32", "big.txt"] },
  { args: ["cat", "missing.txt"] },
  { args: ["stat", "-c", "%n %s %F %a", "data.txt", "big.txt", "."] },
];

describe("busybox (Debian's source, built for riscv64)", () => {
  let dir = "";
  before(() => {
    buildBusybox();
    dir = mkdtempSync(join(tmpdir(), "tv-busybox-"));
    writeFileSync(join(dir, "data.txt"), TEXT);
    writeFileSync(join(dir, "data2.txt"), TEXT.replace("fig 7", "fig 8").replace("cherry 1\n", ""));
    let big = "";
    for (let i = 0; i < 4000; i++) big += `line ${i} ${(i * 7919) % 1000} ${"xyz".repeat(i % 5)}\n`;
    writeFileSync(join(dir, "big.txt"), big);
  }, { timeout: 15 * 60_000 });
  after(() => rmSync(dir, { recursive: true, force: true }));

  for (const c of CASES) {
    test(`busybox ${c.args.join(" ").slice(0, 60)} behaves as under qemu-riscv64`, { timeout: TIMEOUT_MS * 3 }, async () => {
      const req = { program: BUSYBOX, args: c.args, cwd: dir, timeoutMs: TIMEOUT_MS, env: GUEST_ENV, ...(c.stdin !== undefined && { stdin: c.stdin }) };
      const expected = await runUnderQemu("static", req);
      assert.equal(expected.timedOut, false, "qemu-riscv64 timed out");
      const actual = await runUnderTypevisor("static", req);
      assert.equal(actual.timedOut, false, `typevisor timed out; stderr so far:\n${actual.stderr}`);
      assert.equal(actual.stdout, expected.stdout, "stdout differs from qemu-riscv64");
      assert.equal(actual.stderr, expected.stderr, "stderr differs from qemu-riscv64");
      assert.equal(actual.status, expected.status, "exit status differs from qemu-riscv64");
    });
  }

  test("interactive busybox sh on a terminal (a pty from script(1)) shows the same screen as under qemu-riscv64", { timeout: TIMEOUT_MS * 2 }, async () => {
    requireTool("script", "bsdutils");
    const session = (cmd: string) => new Promise<string>((resolve, reject) => {
      const child = spawn("script", ["-qec", cmd, "/dev/null"], { stdio: ["pipe", "pipe", "pipe"], env: { ...GUEST_ENV, PS1: "$ " } });
      const lines = ["echo one | cat; echo two", "exit"];
      let out = "", prompts = 0;
      const timer = setTimeout(() => { child.kill("SIGKILL"); reject(new Error(`no prompt; screen:\n${out}`)); }, TIMEOUT_MS);
      child.stdout.on("data", (d: Buffer) => {
        out += d.toString("latin1");
        // Type the next line only once the shell has drawn its prompt (and put the terminal in raw mode).
        while (out.split("$ ").length - 1 > prompts && prompts < lines.length) child.stdin.write(lines[prompts++] + "\r");
      });
      child.on("close", () => { clearTimeout(timer); resolve(out); });
    });
    const ours = await session(`${process.execPath} ${TYPEVISOR_BIN} run ${BUSYBOX} sh -i`);
    const qemu = await session(`qemu-riscv64 ${BUSYBOX} sh -i`);
    assert.match(ours, /one\r\ntwo\r\n/);
    assert.equal(ours, qemu);
  });
});
