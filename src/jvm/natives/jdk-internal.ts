/**
 * Natives of jdk.internal.reflect (Reflection), jdk.internal.util
 * (SystemProps.Raw: the VM's and the platform's properties) and
 * java.security (AccessController, which has nothing to enforce here).
 */

import { findAttribute } from "../classfile/index.js";
import type { Jvm } from "../runtime/jvm.js";
import type { Natives } from "../runtime/natives.js";
import type { JObject } from "../runtime/objects.js";
import type { JThread } from "../runtime/thread.js";

/** Where the VM runs, for the platform properties. */
export interface PlatformInfo {
  javaHome: string;
  classPath: string;
  userDir: string;
  userHome: string;
  userName: string;
  tmpDir: string;
}

/** Reflection.getCallerClass: the class of the method that called the @CallerSensitive method calling this. */
function callerClass(vm: Jvm, thread: JThread): JObject | null {
  // The top frame is the @CallerSensitive method itself (getCallerClass is native and has no frame);
  // below it, reflection's own frames and hidden frames are skipped, as HotSpot's JVM_GetCallerClass does.
  const frames = thread.frames;
  for (let i = frames.length - 2; i >= 0; i--) {
    const m = frames[i]!.method;
    if ((m.cls.name === "java/lang/reflect/Method" && m.name === "invoke") || m.isHiddenFrame || isReflectionImpl(m.cls.name)) continue;
    return vm.mirror(m.cls);
  }
  return null;
}

/** Classes of the reflection machinery between a reflective call and its caller. */
function isReflectionImpl(name: string): boolean {
  return name.startsWith("jdk/internal/reflect/") && name.endsWith("AccessorImpl");
}

/** Registers these natives, with `platform` describing the host. */
export function registerJdkInternal(n: Natives, platform: PlatformInfo): void {
  n.register("jdk/internal/reflect/Reflection", {
    "getCallerClass()Ljava/lang/Class;": (vm, t) => callerClass(vm, t),
    "getClassAccessFlags(Ljava/lang/Class;)I": (vm, _t, [c]) => vm.classOf(c as JObject).access,
    "areNestMates(Ljava/lang/Class;Ljava/lang/Class;)Z": (vm, _t, [a, b]) => {
      const outer = (s: string) => s.split("$")[0];
      return outer(vm.classOf(a as JObject).name) === outer(vm.classOf(b as JObject).name) ? 1 : 0;
    },
  });
  n.register("jdk/internal/util/SystemProps$Raw", {
    "vmProperties()[Ljava/lang/String;": (vm) => {
      const props: [string, string][] = [
        ["java.home", platform.javaHome],
        ["java.class.path", platform.classPath],
        ["java.vm.specification.name", "Java Virtual Machine Specification"],
        ["java.vm.specification.vendor", "Oracle Corporation"],
        ["java.vm.specification.version", "17"],
        ["java.vm.name", "typevisor JVM"],
        ["java.vm.vendor", "typevisor"],
        ["java.vm.version", "17"],
        ["java.vm.info", "interpreted mode"],
        ["jdk.debug", "release"],
        ["sun.boot.library.path", `${platform.javaHome}/lib`],
        ["java.library.path", "/usr/java/packages/lib:/usr/lib64:/lib64:/lib:/usr/lib"],
        ["sun.java.launcher", "SUN_STANDARD"],
        ["sun.management.compiler", ""],
        ...vm.userProperties,
      ];
      return vm.refArray("java/lang/String", props.flat().map((s) => vm.strings.str(s)));
    },
    "platformProperties()[Ljava/lang/String;": (vm) => {
      const raw = vm.load("jdk/internal/util/SystemProps$Raw");
      const index = (name: string) => raw.cf!.fields.findIndex((f) => f.name === name);
      const constant = (name: string): number => {
        const f = raw.fields[index(name)]!;
        const cv = findAttribute(f.info!.attributes, "ConstantValue");
        const e = cv === undefined ? undefined : raw.cf!.constant_pool[cv.constantvalue_index];
        return e !== undefined && e.tag === 3 ? e.value : -1;
      };
      const out: (JObject | null)[] = new Array(constant("FIXED_LENGTH")).fill(null);
      const set = (name: string, value: string) => (out[constant(`_${name}_NDX`)] = vm.strings.str(value));
      set("file_encoding", "UTF-8");
      set("file_separator", "/");
      set("java_io_tmpdir", platform.tmpDir);
      set("line_separator", "\n");
      set("os_arch", "amd64");
      set("os_name", "Linux");
      set("os_version", "6.1");
      set("path_separator", ":");
      set("sun_arch_data_model", "64");
      set("sun_cpu_endian", "little");
      set("sun_io_unicode_encoding", "UnicodeLittle");
      set("sun_jnu_encoding", "UTF-8");
      set("user_dir", platform.userDir);
      set("user_home", platform.userHome);
      set("user_name", platform.userName);
      set("display_language", "en");
      set("format_language", "en");
      return vm.refArray("java/lang/String", out);
    },
  });
  n.register("java/security/AccessController", {
    "getStackAccessControlContext()Ljava/security/AccessControlContext;": () => null,
    "getInheritedAccessControlContext()Ljava/security/AccessControlContext;": () => null,
    "ensureMaterializedForStackWalk(Ljava/lang/Object;)V": () => {},
    "getProtectionDomain(Ljava/lang/Class;)Ljava/security/ProtectionDomain;": () => null,
  });
}
