/**
 * The jimage reader against the installed JDK 17's `lib/modules`, with the
 * JDK's own `jimage` tool as the oracle (extract, list, info) and `jlink` to
 * build compressed images. Skipped, with the reason, when no JDK 17 is found.
 */
import test from "node:test";
import assert from "node:assert/strict";
import { execFile, execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { FileSource, openJImage } from "./node-file.js";
import { JImage, JImageError } from "./jimage.js";
import { hashName, HASH_MULTIPLIER } from "./strings.js";

/** A JDK 17 home with bin/jimage and lib/modules: $JAVA_HOME, java.home of `java` on PATH, then /usr/lib/jvm. */
function findJdk17(): string | undefined {
  const candidates: string[] = [];
  if (process.env["JAVA_HOME"]) candidates.push(process.env["JAVA_HOME"]);
  const settings = spawnSync("java", ["-XshowSettings:properties", "-version"], { encoding: "utf8" });
  const home = /^\s*java\.home = (.*)$/m.exec(settings.stderr ?? "")?.[1];
  if (home !== undefined) candidates.push(home.trim());
  if (existsSync("/usr/lib/jvm")) {
    for (const d of readdirSync("/usr/lib/jvm")) if (d.startsWith("java-17-openjdk")) candidates.push(join("/usr/lib/jvm", d));
  }
  return candidates.find((h) => {
    const release = join(h, "release");
    return existsSync(release) && /^JAVA_VERSION="17[."]/m.test(readFileSync(release, "utf8"))
      && existsSync(join(h, "lib", "modules")) && existsSync(join(h, "bin", "jimage"));
  });
}

const jdk = findJdk17();
const skip = jdk === undefined && "no JDK 17 found (install openjdk-17-jdk-headless, or set JAVA_HOME)";
const modulesPath = jdk === undefined ? "" : join(jdk, "lib", "modules");
const jimageTool = jdk === undefined ? "" : join(jdk, "bin", "jimage");
const image = jdk === undefined ? undefined : openJImage(modulesPath);
const img = (): JImage => image!;
const tmp = mkdtempSync(join(tmpdir(), "jimage-test-"));
process.on("exit", () => { image?.close(); rmSync(tmp, { recursive: true, force: true }); });

/** `jimage list` of `file` as module → resource paths. */
function jimageList(file: string): Map<string, string[]> {
  const out = execFileSync(jimageTool, ["list", file], { encoding: "utf8", maxBuffer: 64 << 20 });
  const modules = new Map<string, string[]>();
  let current: string[] | undefined;
  for (const line of out.split("\n")) {
    const m = /^Module: (.+)$/.exec(line);
    if (m) modules.set(m[1]!, (current = []));
    else if (current && line.startsWith("    ")) current.push(line.trim());
  }
  return modules;
}
const listed = jdk === undefined ? new Map<string, string[]>() : jimageList(modulesPath);

/** Extracts the named resources of `file` with `jimage extract` into a fresh directory; returns it. */
function jimageExtract(file: string, names: string[], dir: string): string {
  const regex = names.map((n) => n.replace(/[.$]/g, "\\$&")).join("|");
  execFileSync(jimageTool, ["extract", "--dir", dir, "--include", `regex:${regex}`, file]);
  return dir;
}

const SAMPLES = [
  "/java.base/java/lang/Object.class",
  "/java.base/java/lang/String.class",
  "/java.base/java/util/HashMap.class",
  "/java.sql/java/sql/Connection.class",
  "/java.desktop/javax/swing/JFrame.class",
  "/java.base/java/lang/uniName.dat",
  "/java.base/META-INF/services/java.nio.file.spi.FileSystemProvider",
  "/java.base/module-info.class",
];

test("the name hash is the JDK's (FNV-style, seed 0x01000193, masked to 31 bits)", () => {
  assert.equal(HASH_MULTIPLIER, 0x01000193);
  // By hand: ((0x01000193 * 0x01000193) ^ 0x61) & 0x7fffffff, in 32-bit arithmetic.
  assert.equal(hashName("a"), ((Math.imul(0x01000193, 0x01000193) ^ 0x61) & 0x7fffffff));
  assert.equal(hashName(""), 0x01000193);
  // Non-ASCII is hashed over its modified UTF-8 bytes: é = C3 A9.
  const e = (Math.imul(Math.imul(0x01000193, 0x01000193) ^ 0xc3, 0x01000193) ^ 0xa9) & 0x7fffffff;
  assert.equal(hashName("é"), e);
});

test("the header agrees with `jimage info`", { skip }, () => {
  const info = execFileSync(jimageTool, ["info", modulesPath], { encoding: "utf8" });
  const field = (label: string): number => Number(new RegExp(`${label}:\\s+(\\d+)`).exec(info)![1]);
  const h = img().header;
  assert.equal(h.majorVersion, field("Major Version"));
  assert.equal(h.minorVersion, field("Minor Version"));
  assert.equal(h.flags, field("Flags"));
  assert.equal(h.resourceCount, field("Resource Count"));
  assert.equal(h.tableLength, field("Table Length"));
  assert.equal(h.locationsSize, field("Locations Size"));
  assert.equal(h.stringsSize, field("Strings Size"));
  assert.equal(h.indexSize, field("Index Size"));
  assert.equal(img().locations().length, h.resourceCount);
});

test("classes and other resources are byte for byte those `jimage extract` writes", { skip }, () => {
  const dir = jimageExtract(modulesPath, SAMPLES, join(tmp, "extract"));
  for (const name of SAMPLES) {
    const expected = readFileSync(join(dir, name));
    const got = img().find(name);
    assert.ok(got !== undefined, `${name} not found`);
    assert.equal(got.length, expected.length, name);
    assert.ok(Buffer.from(got).equals(expected), `${name} differs`);
  }
  assert.deepEqual([...img().find("/java.base/java/lang/Object.class")!.subarray(0, 4)], [0xca, 0xfe, 0xba, 0xbe]);
});

test("every location found by its name through the hash table is itself", { skip }, () => {
  const names = img().names();
  assert.equal(new Set(names).size, names.length);
  for (const name of names) assert.ok(img().locate(name) !== undefined, `${name} not found by lookup`);
});

test("a missing resource is undefined", { skip }, () => {
  for (const name of ["/java.base/java/lang/NoSuchClass.class", "/java.base/java/lang/Object.clas", "java.base/java/lang/Object.class",
    "/no.such.module/java/lang/Object.class", "/java.base/java/lang/Object.class/", ""]) {
    assert.equal(img().find(name), undefined, name);
  }
});

test("the modules are those `jimage list` shows, from the /modules directory entry", { skip }, () => {
  assert.deepEqual(img().modules(), [...listed.keys()].sort());
  assert.ok(img().modules().includes("java.base"));
});

test("java.base's resources are those `jimage list` shows, the same number and names", { skip }, () => {
  const ours = img().resources("java.base");
  const theirs = [...listed.get("java.base")!].sort();
  assert.ok(theirs.length > 5000, `jimage lists ${theirs.length} resources in java.base`);
  assert.equal(ours.length, theirs.length);
  assert.deepEqual(ours, theirs);
  assert.deepEqual(img().resources("java.sql"), [...listed.get("java.sql")!].sort());
  assert.deepEqual(img().resources("no.such.module"), []);
});

test("every module's resource count matches `jimage list`", { skip }, () => {
  for (const [module, resources] of listed) assert.equal(img().resources(module).length, resources.length, module);
});

test("walking the /modules tree of java.sql reaches exactly its resources", { skip }, () => {
  const found: string[] = [];
  const walk = (dir: string): void => {
    for (const child of img().children(dir)!) {
      if (child.startsWith("/modules/")) walk(child);
      else found.push(child.slice("/java.sql/".length));
    }
  };
  walk("/modules/java.sql");
  assert.deepEqual(found.sort(), img().resources("java.sql"));
  assert.ok(img().children("/modules/java.base/java/lang")!.includes("/java.base/java/lang/Object.class"));
  assert.equal(img().children("/java.base/java/lang/Object.class"), undefined);
  assert.equal(img().children("/modules/no.such.module"), undefined);
});

test("a package's /packages entry names its modules", { skip }, () => {
  assert.deepEqual(img().packageModules("java.sql"), [{ module: "java.sql", empty: false }]);
  const lang = img().packageModules("java.lang")!;
  assert.deepEqual(lang.filter((p) => !p.empty).map((p) => p.module), ["java.base"]);
  assert.ok(lang.some((p) => p.empty && p.module === "java.instrument"));
  assert.equal(img().packageModules("no.such.pkg"), undefined);
  assert.ok(img().children("/packages")!.includes("/packages/java.lang"));
});

test("every resource of the image reads whole (its uncompressed size), compressed or not", { skip }, (t) => {
  let bytes = 0;
  let compressed = 0;
  for (const loc of img().locations()) {
    assert.equal(img().read(loc).length, loc.uncompressedSize);
    bytes += loc.uncompressedSize;
    if (loc.compressedSize !== 0) compressed++;
  }
  t.diagnostic(`${img().locations().length} resources, ${bytes} bytes, ${compressed} stored compressed`);
});

/** Opening `bytes` fails with a one-line JImageError matching `pattern`. */
function assertRejected(open: () => JImage, pattern: RegExp): void {
  assert.throws(open, (e: unknown) => {
    assert.ok(e instanceof JImageError, `not a JImageError: ${String(e)}`);
    assert.match(e.message, pattern);
    assert.ok(!e.message.includes("\n"), "message is one line");
    return true;
  });
}

test("a file that is not a jimage gives a one-line error", { skip }, () => {
  const text = join(tmp, "not-a-jimage.txt");
  writeFileSync(text, "This is a text file, not a jimage.\n");
  assertRejected(() => openJImage(text), /not-a-jimage\.txt: not a jimage \(magic 0x/);
  const empty = join(tmp, "empty");
  writeFileSync(empty, "");
  assertRejected(() => openJImage(empty), /empty: not a jimage \(0 bytes/);
  assertRejected(() => openJImage(join(tmp, "no-such-file")), /no-such-file: ENOENT/);
});

test("a truncated copy gives a one-line error, at open or at the first resource past the end", { skip }, () => {
  const source = new FileSource(modulesPath);
  try {
    const short = join(tmp, "truncated");
    writeFileSync(short, source.read(0, 100_000));
    assertRejected(() => openJImage(short), /truncated: truncated jimage \(index needs 1\d+ bytes, file has 100000\)/);
    const head = source.read(0, img().header.indexSize + 4096);
    const cut = JImage.fromBytes(head, { name: "cut" });
    assert.equal(cut.locations().length, img().header.resourceCount);
    assert.throws(() => cut.find("/java.base/java/lang/Object.class"), /^JImageError: cut: \/java\.base\/java\/lang\/Object\.class: truncated resource/);
  } finally {
    source.close();
  }
});

/** Builds a jlink image of `modules` with `--compress=level` under tmp; resolves to its lib/modules. */
async function jlinkImage(level: number, modules: string): Promise<string> {
  const out = join(tmp, `jlink-${level}`);
  await promisify(execFile)(join(jdk!, "bin", "jlink"), ["--add-modules", modules, `--compress=${level}`, "--output", out]);
  return join(out, "lib", "modules");
}
const zipImage = jdk === undefined ? undefined : jlinkImage(2, "java.sql");
const compactImage = jdk === undefined ? undefined : jlinkImage(1, "java.base");
zipImage?.catch(() => {});
compactImage?.catch(() => {});

test("zip-compressed resources (jlink --compress=2) decompress to what `jimage extract` writes", { skip }, async () => {
  const file = await zipImage!;
  const zipped = openJImage(file);
  try {
    const compressed = zipped.locations().filter((l) => l.compressedSize !== 0);
    assert.ok(compressed.length > 1000, `${compressed.length} compressed resources`);
    const names = SAMPLES.filter((n) => !n.startsWith("/java.desktop/"));
    const dir = jimageExtract(file, names, join(tmp, "extract-zip"));
    for (const name of names) {
      const loc = zipped.locate(name)!;
      // jlink stores a resource compressed only when that makes it smaller: not so for 41 bytes of text.
      if (loc.uncompressedSize > 1000) assert.ok(loc.compressedSize !== 0 && loc.compressedSize < loc.uncompressedSize, `${name} is stored compressed`);
      assert.ok(Buffer.from(zipped.find(name)!).equals(readFileSync(join(dir, name))), `${name} differs`);
    }
    assert.ok(Buffer.from(zipped.find("/java.base/java/lang/Object.class")!).equals(img().find("/java.base/java/lang/Object.class")!));
    assert.equal(zipped.find("/java.desktop/javax/swing/JFrame.class"), undefined);
    assert.deepEqual(zipped.resources("java.sql"), img().resources("java.sql"));
    assertRejected(() => { JImage.fromSource(new FileSource(file), { name: "plain" }).find(names[0]!); return img(); },
      /plain: \/java\.base\/java\/lang\/Object\.class: compressed with the "zip" plugin, which this reader does not support \(supported: none\)/);
  } finally {
    zipped.close();
  }
});

test("a resource compressed by another plugin (compact-cp, --compress=1) gives a clear error", { skip }, async () => {
  const file = await compactImage!;
  const shared = openJImage(file);
  try {
    assert.equal(shared.header.resourceCount, shared.locations().length);
    assert.throws(() => shared.find("/java.base/java/lang/Object.class"),
      /^JImageError: .*\/java\.base\/java\/lang\/Object\.class: compressed with the "compact-cp" plugin, which this reader does not support \(supported: zip\)$/);
  } finally {
    shared.close();
  }
});
