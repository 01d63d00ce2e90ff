/**
 * The HLL VM against HotSpot: every program in tests/java/programs is compiled
 * by javac in the test run, then run by `java -Xshare:off` and by
 * `typevisor java`; stdout, stderr and the exit status must be equal byte
 * for byte. Plus the launcher's own behaviour (-jar, a missing class, a bad
 * --java-home) next to `java`'s.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { JDK_BIN, jdkMissing } from "../src/jvm/classfile/javap-support.js";
import { ROOT } from "./build-guests.js";
import { runProcess, TYPEVISOR_BIN, type RunResult } from "./guest-run.js";

const PROGRAMS = join(ROOT, "tests", "java", "programs");
const skip = jdkMissing();
const JAVAC_FLAGS = ["-encoding", "UTF-8"];
const ENV = { PATH: "/usr/bin:/bin", LANG: "C.UTF-8", HOME: "/root" };

/** Per-program VM options, arguments and standard input (default: none). */
const INPUTS: Record<string, { vm?: string[]; args?: string[]; stdin?: string }> = {
  Props: { vm: ["-Ddemo.flag=true", "-Ddemo.empty="] },
  OutOfMemory: { vm: ["-Xmx64m"] },
  Assertions: { vm: ["-ea"] },
  WordFreq: { stdin: readFileSync(join(PROGRAMS, "Algorithms.java"), "utf8") },
  Exit: { args: ["a", "b"] },
  FileIo: { args: ["@TMP"] },
  NioFiles: { args: ["@TMP"] },
  Scanning: { stdin: "3 10 20 30\n1.5 2.25\napple banana kiwi fig melon\n" },
  StdinLines: { stdin: "The quick brown fox\njumps over the lazy dog\n\nthe end é日本\nno newline at the end" },
};

let classes = "";

function run(argv: string[], stdin = ""): Promise<RunResult> {
  return runProcess(argv, { cwd: classes, env: ENV, stdin, timeoutMs: 120_000 });
}

function hotspot(args: string[], stdin?: string): Promise<RunResult> {
  return run([`${JDK_BIN}/java`, "-Xshare:off", ...args], stdin);
}

function typevisor(args: string[], stdin?: string): Promise<RunResult> {
  return run([process.execPath, TYPEVISOR_BIN, "java", ...args], stdin);
}

function same(ours: RunResult, theirs: RunResult): void {
  assert.equal(ours.timedOut, false, "typevisor timed out");
  assert.equal(ours.stdout, theirs.stdout, "stdout");
  assert.equal(ours.stderr, theirs.stderr, "stderr");
  assert.equal(ours.status, theirs.status, "exit status");
}

describe("typevisor java runs javac's output like HotSpot", { skip }, () => {
  before(() => {
    classes = mkdtempSync(join(tmpdir(), "tv-jvm-"));
    const sources = readdirSync(PROGRAMS).filter((f) => f.endsWith(".java")).map((f) => join(PROGRAMS, f));
    execFileSync(`${JDK_BIN}/javac`, [...JAVAC_FLAGS, "-d", classes, ...sources]);
  });
  after(() => rmSync(classes, { recursive: true, force: true }));

  for (const file of skip === undefined ? readdirSync(PROGRAMS).filter((f) => f.endsWith(".java")).sort() : []) {
    const name = file.slice(0, -5);
    test(`${name}: stdout, stderr and status equal`, async () => {
      const input = INPUTS[name] ?? {};
      // "@TMP" is a fresh directory of its own for each run (programs that write files)
      const argsFor = () => [...(input.vm ?? []), "-cp", classes, name, ...(input.args ?? []).map((a) => (a === "@TMP" ? mkdtempSync(join(classes, "tmp-")) : a))];
      const [theirs, ours] = await Promise.all([hotspot(argsFor(), input.stdin), typevisor(argsFor(), input.stdin)]);
      same(ours, theirs);
    });
  }

  test("-jar runs the manifest's Main-Class with the jar as class path", async () => {
    const dir = join(classes, "jar");
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "manifest.txt"), "Main-Class: Exit\n");
    const jar = join(dir, "exit.jar");
    execFileSync(`${JDK_BIN}/jar`, ["cfm", jar, join(dir, "manifest.txt"), "-C", classes, "Exit.class", "-C", classes, "Exit$1.class"]);
    const [theirs, ours] = await Promise.all([hotspot(["-jar", jar, "x"]), typevisor(["-jar", jar, "x"])]);
    same(ours, theirs);
  });

  const rhino = "/usr/share/java/js.jar";
  test("Rhino, a JavaScript engine from Debian's rhino package, runs a script like on HotSpot", { skip: existsSync(rhino) ? undefined : "rhino not installed" }, async () => {
    const script = [
      "var a = []; for (var i = 0; i < 10; i++) a.push(i * i);",
      "print(a.join(','), JSON.stringify({x: 1, y: [1, 2]}), Math.max(3, 7));",
      "function fib(n) { return n < 2 ? n : fib(n - 1) + fib(n - 2) } print(fib(18));",
      "print(new Date(0).toISOString(), 'abc'.replace(/b/, 'B'), [3, 1, 2].sort().reverse(), typeof null, 0.1 + 0.2);",
      "try { undefined.x } catch (e) { print(e.name, e.message) }",
      "print(6 * 7)",
    ].join("\n");
    const [theirs, ours] = await Promise.all([hotspot(["-jar", rhino, "-e", script]), typevisor(["-jar", rhino, "-e", script])]);
    same(ours, theirs);
    assert.match(ours.stdout, /\n42\n$/);
  });

  test("javac (jdk.compiler's com.sun.tools.javac.Main) run by typevisor writes the same class files as HotSpot's", async () => {
    const sources = ["Patterns.java", "Generics.java"].map((f) => join(PROGRAMS, f));
    const ours = join(classes, "javac-typevisor");
    const theirs = join(classes, "javac-hotspot");
    mkdirSync(ours);
    mkdirSync(theirs);
    const [h, t] = await Promise.all([
      hotspot(["com.sun.tools.javac.Main", "-encoding", "UTF-8", "-d", theirs, ...sources]),
      typevisor(["com.sun.tools.javac.Main", "-encoding", "UTF-8", "-d", ours, ...sources]),
    ]);
    same(t, h);
    const written = readdirSync(theirs).sort();
    assert.ok(written.length >= 10, `javac wrote ${written.length} classes`);
    assert.deepEqual(readdirSync(ours).sort(), written);
    for (const f of written) assert.ok(readFileSync(join(ours, f)).equals(readFileSync(join(theirs, f))), `${f} differs`);
  });

  test("a class that does not exist: java's two lines and status 1", async () => {
    const [theirs, ours] = await Promise.all([hotspot(["-cp", classes, "NoSuchClass"]), typevisor(["-cp", classes, "NoSuchClass"])]);
    same(ours, theirs);
  });

  test("class files that are not, or are too new: java's LinkageError lines and status 1", async () => {
    const dir = join(classes, "bad");
    mkdirSync(dir);
    writeFileSync(join(dir, "Bad.class"), "not a class file");
    const newer = Buffer.from(readFileSync(join(classes, "Exit.class")));
    newer.writeUInt16BE(65, 6); // major_version of Java 21
    writeFileSync(join(dir, "Newer.class"), newer);
    for (const name of ["Bad", "Newer"]) {
      const [theirs, ours] = await Promise.all([hotspot(["-cp", dir, name]), typevisor(["-cp", dir, name])]);
      same(ours, theirs);
    }
  });

  test("a --java-home that is not a JDK 17 is one line and status 1", async () => {
    const r = await typevisor(["--java-home", classes, "-cp", classes, "Exit"]);
    assert.equal(r.status, 1);
    assert.equal(r.stdout, "");
    assert.match(r.stderr, /^typevisor java: .* is not a JDK 17 \(.*\)\n$/);
  });
});
