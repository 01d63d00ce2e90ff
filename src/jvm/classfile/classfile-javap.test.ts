import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseClassFile } from "./classfile.js";
import { findAttribute } from "./attributes.js";
import { Tag } from "./constant-pool.js";
import { javap, jdk, jdkMissing, parseJavap, render } from "./javap-support.js";

const skip = jdkMissing();
const SOURCES = fileURLToPath(new URL("../../../../tests/java/classfile/", import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), "classfile-"));
process.on("exit", () => rmSync(tmp, { recursive: true, force: true }));

/** Compiles tests/java/classfile once and returns the class files it made. */
let compiled: string[] | undefined;
function classes(): string[] {
  if (compiled === undefined) {
    const sources = readdirSync(SOURCES).filter((f) => f.endsWith(".java")).map((f) => join(SOURCES, f));
    jdk("javac", ["-parameters", "-d", join(tmp, "own"), ...sources]);
    compiled = readdirSync(join(tmp, "own")).filter((f) => f.endsWith(".class")).sort().map((f) => join(tmp, "own", f));
  }
  return compiled;
}

/** Parses `file` and compares every part of the listing with javap's. */
function compareWithJavap(file: string): void {
  const mine = render(parseClassFile(readFileSync(file), file));
  const theirs = parseJavap(javap(file));
  assert.ok(theirs.constants.length > 0, `javap printed no constant pool for ${file}`);
  assert.deepEqual(mine.constants, theirs.constants, `constant pool of ${file}`);
  assert.equal(mine.members.length, theirs.members.length, `member count of ${file}`);
  mine.members.forEach((m, k) => assert.deepEqual(m, theirs.members[k], `member ${k} of ${file}`));
  assert.deepEqual(mine.bootstrapMethods, theirs.bootstrapMethods, `BootstrapMethods of ${file}`);
  assert.deepEqual(mine.record, theirs.record, `Record of ${file}`);
  assert.deepEqual(mine.permittedSubclasses, theirs.permittedSubclasses, `PermittedSubclasses of ${file}`);
  assert.deepEqual(mine.nestMembers, theirs.nestMembers, `NestMembers of ${file}`);
}

test("every class compiled from tests/java/classfile reads the same as javap -v -p -c shows it", { skip }, () => {
  const files = classes();
  assert.ok(files.length >= 10, `javac made ${files.length} classes`);
  for (const f of files) compareWithJavap(f);
});

test("java/lang/Object, String and Integer from the JDK's modules image read the same as javap shows them", { skip }, () => {
  const dir = join(tmp, "jdk");
  jdk("jimage", ["extract", "--dir", dir, "--include", "regex:.*java/lang/(Object|String|Integer)\\.class",
    "/usr/lib/jvm/java-17-openjdk-amd64/lib/modules"]);
  const base = join(dir, "java.base", "java", "lang");
  for (const name of ["Object", "String", "Integer"]) compareWithJavap(join(base, `${name}.class`));
});

test("the string constant with U+0000 and a surrogate pair decodes to the Java string", { skip }, () => {
  const cf = parseClassFile(readFileSync(classes().find((f) => f.endsWith("/Shapes.class"))!));
  const odd = "a\u0000b\u{1F600}c\u00e9\u20ac";
  assert.ok(cf.constant_pool.some((e) => e?.tag === Tag.Utf8 && e.value === odd));
  const cv = findAttribute(cf.fields.find((f) => f.name === "ODD")!.attributes, "ConstantValue")!;
  const s = cf.constant_pool[cv.constantvalue_index];
  assert.equal(s?.tag, Tag.String);
});

test("the sealed interface lists its permitted subclasses and the record its components", { skip }, () => {
  const byName = new Map(classes().map((f) => [f.replace(/.*\//, ""), parseClassFile(readFileSync(f))]));
  const shape = byName.get("Shapes$Shape.class")!;
  const permitted = findAttribute(shape.attributes, "PermittedSubclasses")!.classes;
  assert.equal(permitted.length, 3);
  const circle = byName.get("Shapes$Circle.class")!;
  assert.equal(findAttribute(circle.attributes, "Record")!.components.length, 1);
  assert.equal(circle.superName, "java/lang/Record");
  assert.deepEqual(circle.interfaceNames, ["Shapes$Shape"]);
});

test("annotations keep every element-value kind, defaults included", { skip }, () => {
  const byName = new Map(classes().map((f) => [f.replace(/.*\//, ""), parseClassFile(readFileSync(f))]));
  const user = byName.get("Annotated$User.class")!;
  const ann = findAttribute(user.attributes, "RuntimeVisibleAnnotations")!.annotations[0]!;
  assert.deepEqual(ann.element_value_pairs.map((p) => p.value.tag).join(""), "BCDFIJSZsec@[");
  const iface = byName.get("Annotated.class")!;
  const defaults = iface.methods.map((m) => findAttribute(m.attributes, "AnnotationDefault")?.default_value.tag);
  assert.deepEqual(defaults.join(""), "BCDFIJSZsec@[");
  const method = user.methods.find((m) => m.name === "method")!;
  const params = findAttribute(method.attributes, "RuntimeVisibleParameterAnnotations")!.parameter_annotations;
  assert.equal(params.length, 2);
  assert.equal(params[0]!.length, 1);
  assert.equal(findAttribute(method.attributes, "MethodParameters")!.parameters.length, 2);
  assert.equal(findAttribute(method.attributes, "Exceptions")!.exception_index_table.length, 1);
});

test("module-info reads the same as javap shows it, CONSTANT_Module and CONSTANT_Package included", { skip }, () => {
  const mod = join(SOURCES, "mod");
  jdk("javac", ["-d", join(tmp, "mod"), join(mod, "module-info.java"), join(mod, "org/example/pkg/Task.java")]);
  const file = join(tmp, "mod", "module-info.class");
  compareWithJavap(file);
  const cf = parseClassFile(readFileSync(file));
  assert.ok(cf.constant_pool.some((e) => e?.tag === Tag.Module));
  assert.ok(cf.constant_pool.some((e) => e?.tag === Tag.Package));
  assert.equal(cf.superName, undefined);
  assert.ok(findAttribute(cf.attributes, "Module") !== undefined);
});
