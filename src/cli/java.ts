/** `typevisor java`: the HLL VM's launcher, with the `java` command's options and behaviour. */
import * as fs from "node:fs";
import * as zlib from "node:zlib";
import { closeSync, readSync, writeSync } from "node:fs";
import { join, resolve } from "node:path";
import { openJImage } from "../jvm/jimage/node-file.js";
import { findJavaHome, isJdk17, javaVersionOf } from "../jvm/java-home.js";
import { JarSource, jarMainClass, openClassPath } from "../jvm/runtime/node-class-path.js";
import { createJvm, JvmBootError, runMain } from "../jvm/runtime/boot.js";
import { JvmExit, type JvmHost } from "../jvm/runtime/jvm.js";
import { writeErr, writeOut } from "./main.js";
import { userInfo, homedir, tmpdir } from "node:os";

const HELP = `Usage: typevisor java [options] MAINCLASS [ARGS...]
       typevisor java [options] -jar JARFILE [ARGS...]

Runs a Java program on typevisor's Java virtual machine, which interprets
the bytecode and runs it on the real OpenJDK 17 class library, read from the
JDK's lib/modules image.

Options:
  -cp, -classpath, --class-path PATH
                      Directories and jar files to search for classes,
                      separated by ':' (default: $CLASSPATH, else '.').
  -jar JARFILE        Run the Main-Class of a jar (which is then the class path).
  -DNAME=VALUE        Set a system property.
  -Xmx<size>          The heap limit (k, m, g suffixes; default 1g): Runtime.maxMemory,
                      and OutOfMemoryError beyond it (large arrays are counted).
  -ea, -enableassertions
                      Enable assertions in application classes.
  -Xint, -Xshare:..., -Xms<size>, -Xss<size>, -server, -XX:...
                      Accepted for compatibility with java; no effect.
      --java-home DIR The JDK 17 whose class library to run (default: $JAVA_HOME,
                      the java on PATH, then ${"/usr/lib/jvm/java-17-openjdk-amd64"}).
      --debug         Show stack traces for internal errors.
  -h, --help          Show this help.

Exit status: System.exit's status, 1 after an uncaught exception, else 0.
`;

interface JavaArgs {
  classPath: string | undefined;
  jar: string | undefined;
  javaHome: string | undefined;
  properties: [string, string][];
  mainClass: string | undefined;
  args: string[];
  debug: boolean;
  help: boolean;
  maxHeapBytes: number | undefined;
  assertions: boolean;
}

/** A java size ("64m", "1g", "4096"), in bytes; undefined if malformed. */
function parseSize(s: string): number | undefined {
  const m = /^(\d+)([kKmMgG]?)$/.exec(s);
  if (m === null) return undefined;
  const unit = { "": 1, k: 1 << 10, m: 1 << 20, g: 1 << 30 }[m[2]!.toLowerCase() as "" | "k" | "m" | "g"];
  return Number(m[1]) * unit;
}

/** Parses the launcher's options, which end at the main class (or after -jar's file). */
function parseJavaArgs(argv: string[]): JavaArgs {
  const out: JavaArgs = {
    classPath: undefined, jar: undefined, javaHome: undefined, properties: [], mainClass: undefined, args: [], debug: false, help: false,
    maxHeapBytes: undefined, assertions: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new UsageError(`${a} requires an argument`);
      return v;
    };
    if (a === "-cp" || a === "-classpath" || a === "--class-path") out.classPath = value();
    else if (a.startsWith("--class-path=")) out.classPath = a.slice(13);
    else if (a === "--java-home") out.javaHome = value();
    else if (a.startsWith("--java-home=")) out.javaHome = a.slice(12);
    else if (a === "--debug") out.debug = true;
    else if (a === "-h" || a === "--help" || a === "-help" || a === "-?") out.help = true;
    else if (a.startsWith("-Xmx")) {
      out.maxHeapBytes = parseSize(a.slice(4));
      if (out.maxHeapBytes === undefined) throw new UsageError(`Invalid maximum heap size: ${a}`);
    } else if (a === "-ea" || a === "-enableassertions") out.assertions = true;
    else if (a === "-da" || a === "-disableassertions" || a === "-Xint" || a === "-server" || a === "-client" ||
      a.startsWith("-Xshare:") || a.startsWith("-Xms") || a.startsWith("-Xss") || a.startsWith("-XX:")) {
      // accepted as java accepts them; nothing to change here
    } else if (a.startsWith("-D")) {
      const eq = a.indexOf("=");
      out.properties.push(eq < 0 ? [a.slice(2), ""] : [a.slice(2, eq), a.slice(eq + 1)]);
    } else if (a === "-jar") {
      out.jar = value();
      out.args = argv.slice(i + 1);
      return out;
    } else if (a.startsWith("-")) throw new UsageError(`Unrecognized option: ${a}`);
    else {
      out.mainClass = a;
      out.args = argv.slice(i + 1);
      return out;
    }
  }
  return out;
}

class UsageError extends Error {}

/** The host of a JVM run from the command line: the process's own descriptors. */
const nodeHost: JvmHost = {
  files: fs as unknown as JvmHost["files"],
  timeZone: systemTimeZone,
  cwd: () => process.cwd(),
  environment: () => process.env,
  inflate(input, raw) {
    const whole = raw ? zlib.inflateRawSync : zlib.inflateSync;
    try {
      const r = (whole as unknown as (b: Uint8Array, o: object) => { buffer: Buffer; engine: { bytesWritten: number } })(input, { info: true });
      return { output: r.buffer, consumed: r.engine.bytesWritten, complete: true };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "Z_BUF_ERROR") throw e;
      const partial = whole(input, { finishFlush: zlib.constants.Z_SYNC_FLUSH });
      return { output: partial, consumed: input.length, complete: false };
    }
  },
  write(fd, bytes) {
    let done = 0;
    while (done < bytes.length) {
      try {
        done += writeSync(fd, bytes, done);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === "EAGAIN") continue;
        if ((e as NodeJS.ErrnoException).code === "EPIPE") return done;
        throw e;
      }
    }
    return done;
  },
  read(fd, buffer) {
    for (;;) {
      try {
        return readSync(fd, buffer, 0, buffer.length, null);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === "EAGAIN") continue;
        if (code === "EOF") return 0;
        throw e;
      }
    }
  },
};

/**
 * The time zone as the JDK finds it on Linux: $TZ, else /etc/timezone, else
 * the zone /etc/localtime links to under /usr/share/zoneinfo, else GMT.
 */
function systemTimeZone(): string {
  const tz = process.env.TZ;
  if (tz !== undefined && tz !== "") return tz.startsWith(":") ? tz.slice(1) : tz;
  try {
    const id = fs.readFileSync("/etc/timezone", "utf8").trim();
    if (id !== "") return id;
  } catch {
    // not Debian-style: look at /etc/localtime
  }
  try {
    const target = fs.realpathSync("/etc/localtime");
    const marker = "/zoneinfo/";
    const at = target.indexOf(marker);
    if (at >= 0) return target.slice(at + marker.length);
  } catch {
    // no /etc/localtime
  }
  return "GMT";
}

/** Runs `typevisor java ARGV`; resolves with the exit status. */
export async function javaCommand(argv: string[]): Promise<number> {
  let opts: JavaArgs;
  try {
    opts = parseJavaArgs(argv);
  } catch (e) {
    writeErr(`typevisor java: ${(e as Error).message} (try 'typevisor java --help')\n`);
    return 2;
  }
  if (opts.help) {
    writeOut(HELP);
    return 0;
  }
  const javaHome = opts.javaHome ?? findJavaHome();
  if (javaHome === undefined) {
    writeErr("typevisor java: no JDK 17 found (install openjdk-17-jdk-headless or pass --java-home DIR)\n");
    return 1;
  }
  if (!isJdk17(javaHome)) {
    const v = javaVersionOf(javaHome);
    writeErr(`typevisor java: ${javaHome} is not a JDK 17 (${v === undefined ? "no release file or lib/modules" : `it is Java ${v}`})\n`);
    return 1;
  }
  let mainClass = opts.mainClass;
  let classPath = opts.classPath ?? process.env.CLASSPATH ?? ".";
  try {
    if (opts.jar !== undefined) {
      const jar = new JarSource(opts.jar);
      mainClass = jarMainClass(jar);
      if (mainClass === undefined) {
        writeErr(`no main manifest attribute, in ${opts.jar}\n`);
        return 1;
      }
      classPath = opts.jar;
    }
  } catch (e) {
    writeErr(`Error: Invalid or corrupt jarfile ${opts.jar}\n`);
    void e;
    return 1;
  }
  if (mainClass === undefined) {
    writeErr(HELP);
    return 2;
  }
  const image = openJImage(join(javaHome, "lib", "modules"));
  try {
    const user = userInfo();
    const vm = createJvm({
      image,
      classPath: openClassPath(classPath),
      platform: {
        javaHome, classPath, userDir: resolve("."), userHome: homedir(), userName: user.username, tmpDir: tmpdir(),
      },
      properties: opts.properties,
      maxHeapBytes: opts.maxHeapBytes,
      assertions: opts.assertions,
      host: nodeHost,
    });
    return runMain(vm, mainClass, opts.args);
  } catch (e) {
    if (e instanceof JvmExit) return e.status;
    if (e instanceof JvmBootError) {
      writeErr(`Error occurred during initialization of VM\n${e.message}\n`);
      return 1;
    }
    if (opts.debug) throw e;
    writeErr(`typevisor java: internal error: ${(e as Error).message}\n`);
    return 70;
  } finally {
    image.close();
    void closeSync;
  }
}
