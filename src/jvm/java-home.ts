/**
 * Finding the JDK 17 whose class library the JVM runs: --java-home, else
 * $JAVA_HOME, else the `java` on PATH (through its symlinks, as the launcher
 * finds itself), else the usual Debian location — each only if its `release`
 * file says Java 17 and it has lib/modules.
 */

import { existsSync, readFileSync, realpathSync } from "node:fs";
import { delimiter, dirname, join } from "node:path";

/** Debian's openjdk-17-jdk-headless. */
export const DEBIAN_JDK17 = "/usr/lib/jvm/java-17-openjdk-amd64";

/** The major Java version of the JDK at `home` ("17"), or undefined if it has no readable release file. */
export function javaVersionOf(home: string): string | undefined {
  try {
    const release = readFileSync(join(home, "release"), "utf8");
    const m = /^JAVA_VERSION="(\d+)/m.exec(release);
    return m?.[1];
  } catch {
    return undefined;
  }
}

/** True if `home` is a JDK 17 with a module image. */
export function isJdk17(home: string): boolean {
  return javaVersionOf(home) === "17" && existsSync(join(home, "lib", "modules"));
}

/** The JDK 17 to use, or undefined if none is found. */
export function findJavaHome(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const candidates: string[] = [];
  if (env.JAVA_HOME) candidates.push(env.JAVA_HOME);
  for (const dir of (env.PATH ?? "").split(delimiter)) {
    const java = join(dir, "java");
    if (dir !== "" && existsSync(java)) {
      try {
        candidates.push(dirname(dirname(realpathSync(java))));
      } catch {
        // a dangling link: not this one
      }
    }
  }
  candidates.push(DEBIAN_JDK17);
  return candidates.find(isJdk17);
}
