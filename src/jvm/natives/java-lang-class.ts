/**
 * Natives of java.lang.Class, java.lang.Module and java.lang.ClassLoader: the
 * reflective view of runtime classes and class definition by Java loaders.
 */

import { AccessFlags, findAttribute } from "../classfile/index.js";
import type { JClass } from "../runtime/klass.js";
import type { Jvm } from "../runtime/jvm.js";
import type { Natives } from "../runtime/natives.js";
import type { JObject } from "../runtime/objects.js";
import { Defining, PRIMITIVES } from "../runtime/registry.js";
import type { JThread } from "../runtime/thread.js";

const cls = (vm: Jvm, o: unknown): JClass => vm.classOf(o as JObject);

/** Class.getModifiers: the inner-class flags when the class is a member, else its own (without ACC_SUPER). */
function modifiers(c: JClass): number {
  if (c.isArray) return (modifiers(c.componentType!) & 0x7) | AccessFlags.ACC_FINAL | AccessFlags.ACC_ABSTRACT;
  if (c.primitive !== "") return AccessFlags.ACC_PUBLIC | AccessFlags.ACC_FINAL | AccessFlags.ACC_ABSTRACT;
  const inner = c.cf === undefined ? undefined : findAttribute(c.cf.attributes, "InnerClasses");
  if (inner !== undefined) {
    for (const e of inner.classes) {
      if (e.inner_class_info_index === c.cf!.this_class) return e.inner_class_access_flags & ~AccessFlags.ACC_SUPER;
    }
  }
  return c.access & ~AccessFlags.ACC_SUPER & 0xffff;
}

/** Class.forName0: loads (and optionally initializes) the class named `name` (dotted). */
/** Class.forName0: `name` (dotted) through `loader` (null: the bootstrap loader), optionally initialized. */
function forName(vm: Jvm, thread: JThread, name: string, initialize: boolean, loader: JObject | null): JClass {
  const binary = name.replace(/\./g, "/");
  let c: JClass | undefined;
  if (!name.includes("/")) {
    c = vm.registry.isUserLoader(loader) ? vm.registry.loadThrough(loader!, binary) : vm.registry.load(binary, loader === null ? Defining.Boot : Defining.App);
  }
  if (c === undefined || name.includes("/")) vm.throwNew(thread, "java/lang/ClassNotFoundException", name);
  if (initialize) vm.initialize(thread, c);
  return c;
}

/** Registers the natives of Class, Module and ClassLoader. */
export function registerClassNatives(n: Natives): void {
  n.register("java/lang/Class", {
    "desiredAssertionStatus0(Ljava/lang/Class;)Z": (vm, _t, [c]) => (vm.assertions && cls(vm, c).loader !== null ? 1 : 0),
    "getPrimitiveClass(Ljava/lang/String;)Ljava/lang/Class;": (vm, _t, [s]) => {
      const name = vm.strings.js(s as JObject);
      const letter = Object.keys(PRIMITIVES).find((k) => PRIMITIVES[k] === name)!;
      return vm.mirror(vm.registry.primitive(letter)!);
    },
    "isArray()Z": (vm, _t, [o]) => (cls(vm, o).isArray ? 1 : 0),
    "isPrimitive()Z": (vm, _t, [o]) => (cls(vm, o).primitive !== "" ? 1 : 0),
    "isInterface()Z": (vm, _t, [o]) => (cls(vm, o).isInterface ? 1 : 0),
    "isHidden()Z": (vm, _t, [o]) => (cls(vm, o).hidden ? 1 : 0),
    "isInstance(Ljava/lang/Object;)Z": (vm, _t, [o, x]) => (x !== null && (x as JObject).cls.isAssignableTo(cls(vm, o)) ? 1 : 0),
    "isAssignableFrom(Ljava/lang/Class;)Z": (vm, t, [o, x]) => {
      if (x === null) vm.throwNew(t, "java/lang/NullPointerException");
      return cls(vm, x).isAssignableTo(cls(vm, o)) ? 1 : 0;
    },
    "getModifiers()I": (vm, _t, [o]) => modifiers(cls(vm, o)),
    "getSuperclass()Ljava/lang/Class;": (vm, _t, [o]) => {
      const c = cls(vm, o);
      return c.isInterface || c.primitive !== "" || c.superClass === null ? null : vm.mirror(c.superClass);
    },
    "getInterfaces0()[Ljava/lang/Class;": (vm, _t, [o]) => vm.refArray("java/lang/Class", cls(vm, o).interfaces.map((i) => vm.mirror(i))),
    "initClassName()Ljava/lang/String;": (vm, _t, [o]) => {
      const s = vm.strings.intern(cls(vm, o).javaName);
      vm.setField(o as JObject, "name", s);
      return s;
    },
    "forName0(Ljava/lang/String;ZLjava/lang/ClassLoader;Ljava/lang/Class;)Ljava/lang/Class;": (vm, t, [name, init, loader]) =>
      vm.mirror(forName(vm, t, vm.strings.js(name as JObject), init === 1, loader as JObject | null)),
    "getDeclaringClass0()Ljava/lang/Class;": (vm, _t, [o]) => {
      const c = cls(vm, o);
      const inner = c.cf === undefined ? undefined : findAttribute(c.cf.attributes, "InnerClasses");
      const e = inner?.classes.find((x) => x.inner_class_info_index === c.cf!.this_class);
      if (e === undefined || e.outer_class_info_index === 0) return null;
      const pool = c.cf!.constant_pool;
      const nameEntry = pool[e.outer_class_info_index];
      if (nameEntry === undefined || nameEntry.tag !== 7) return null;
      const utf = pool[nameEntry.name_index];
      return utf !== undefined && utf.tag === 1 ? vm.mirror(vm.load(utf.value, c)) : null;
    },
    "getSimpleBinaryName0()Ljava/lang/String;": (vm, _t, [o]) => {
      const c = cls(vm, o);
      const inner = c.cf === undefined ? undefined : findAttribute(c.cf.attributes, "InnerClasses");
      const e = inner?.classes.find((x) => x.inner_class_info_index === c.cf!.this_class);
      if (e === undefined || e.inner_name_index === 0) return null;
      const utf = c.cf!.constant_pool[e.inner_name_index];
      return utf !== undefined && utf.tag === 1 ? vm.strings.str(utf.value) : null;
    },
    "getEnclosingMethod0()[Ljava/lang/Object;": (vm, t, [o]) => {
      const c = cls(vm, o);
      const em = c.cf === undefined ? undefined : findAttribute(c.cf.attributes, "EnclosingMethod");
      if (em === undefined) return null;
      const pool = c.cf!.constant_pool;
      const utf = (i: number) => {
        const e = pool[i];
        return e !== undefined && e.tag === 1 ? e.value : "";
      };
      const classEntry = pool[em.class_index];
      const outer = vm.load(classEntry !== undefined && classEntry.tag === 7 ? utf(classEntry.name_index) : "java/lang/Object", c, t);
      const nt = em.method_index === 0 ? undefined : pool[em.method_index];
      const name = nt !== undefined && nt.tag === 12 ? vm.strings.str(utf(nt.name_index)) : null;
      const descriptor = nt !== undefined && nt.tag === 12 ? vm.strings.str(utf(nt.descriptor_index)) : null;
      return vm.refArray("java/lang/Object", [vm.mirror(outer), name, descriptor]);
    },
    "getNestHost0()Ljava/lang/Class;": (vm, _t, [o]) => o,
    "getGenericSignature0()Ljava/lang/String;": () => null,
    "getProtectionDomain0()Ljava/security/ProtectionDomain;": () => null,
    "getClassAccessFlagsRaw0()I": (vm, _t, [o]) => cls(vm, o).access,
    "isRecord0()Z": (vm, _t, [o]) => (cls(vm, o).cf?.attributes.some((a) => a.attribute_name === "Record") ? 1 : 0),
    "getPermittedSubclasses0()[Ljava/lang/Class;": () => null,
  });
  n.register("java/lang/ClassLoader", {
    "findBootstrapClass(Ljava/lang/String;)Ljava/lang/Class;": (vm, _t, [name]) => {
      const c = vm.registry.load(vm.strings.js(name as JObject).replace(/\./g, "/"), Defining.Boot);
      return c === undefined ? null : vm.mirror(c);
    },
    "findLoadedClass0(Ljava/lang/String;)Ljava/lang/Class;": (vm, _t, [loader, name]) => {
      const c = vm.registry.loaded(vm.strings.js(name as JObject).replace(/\./g, "/"), loader as JObject | null);
      return c === undefined ? null : vm.mirror(c);
    },
    "findBuiltinLib(Ljava/lang/String;)Ljava/lang/String;": (_vm, _t, [name]) => name,
  });
  // Every JDK native library counts as built in (its natives are the VM's own): loading one succeeds.
  n.register("jdk/internal/loader/NativeLibraries", {
    "findBuiltinLib(Ljava/lang/String;)Ljava/lang/String;": (_vm, _t, [name]) => name,
    "load(Ljdk/internal/loader/NativeLibraries$NativeLibraryImpl;Ljava/lang/String;ZZZ)Z": () => 1,
    "unload(Ljava/lang/String;ZZJ)V": () => {},
  });
  n.register("jdk/internal/loader/BootLoader", {
    "setBootLoaderUnnamedModule0(Ljava/lang/Module;)V": (vm, _t, [m]) => vm.setUnnamedModule(m as JObject),
    "getSystemPackageLocation(Ljava/lang/String;)Ljava/lang/String;": (vm, _t, [p]) => {
      const module = vm.registry.image.moduleOf(vm.strings.js(p as JObject));
      return module === undefined ? null : vm.strings.str(`jrt:/${module}`);
    },
    "getSystemPackageNames()[Ljava/lang/String;": (vm) => vm.refArray("java/lang/String", vm.registry.image.packages().map((p) => vm.strings.str(p))),
  });
  // The JDK's platform and application loaders read a module's classes through a ModuleReader
  // over the runtime image (jrt:); the VM reads the same lib/modules with its own jimage reader.
  n.registerIntrinsics("jdk/internal/loader/BuiltinClassLoader", {
    "defineClass(Ljava/lang/String;Ljdk/internal/loader/BuiltinClassLoader$LoadedModule;)Ljava/lang/Class;": (vm, t, [loader, cn, lm]) => {
      const module = vm.strings.js(vm.invokeVirtual(t, lm as JObject, "name", "()Ljava/lang/String;") as JObject);
      const binary = vm.strings.js(cn as JObject).replace(/\./g, "/");
      const existing = vm.registry.loaded(binary, null);
      if (existing !== undefined) return vm.mirror(existing);
      if (vm.registry.image.findResource(module, `${binary}.class`) === undefined) return null;
      const c = vm.registry.load(binary, Defining.Boot);
      if (c === undefined) return null;
      c.loader = loader as JObject;
      const m = vm.mirror(c);
      vm.setField(m, "classLoader", loader);
      return m;
    },
  });
  // Resources of the boot layer's modules, read by the VM's jimage reader (the JDK reads them
  // through the jrt file system, which needs java.nio's natives).
  n.registerIntrinsics("jdk/internal/loader/BootLoader", {
    "findResourceAsStream(Ljava/lang/String;Ljava/lang/String;)Ljava/io/InputStream;": (vm, t, [mn, name]) => {
      const bytes = vm.registry.image.findResource(vm.strings.js(mn as JObject), vm.strings.js(name as JObject));
      if (bytes === undefined) return null;
      return vm.construct(t, "java/io/ByteArrayInputStream", "([B)V", [vm.byteArray(bytes)]);
    },
    "findResource(Ljava/lang/String;)Ljava/net/URL;": (vm, t, [name]) => {
      const path = vm.strings.js(name as JObject);
      const slash = path.lastIndexOf("/");
      const module = slash < 0 ? undefined : vm.registry.image.moduleOf(path.slice(0, slash));
      if (module === undefined || vm.registry.image.findResource(module, path) === undefined) return null;
      return vm.throwNew(t, "java/lang/InternalError", `${path} is in the runtime image: a jrt: URL needs the jrt file system, which typevisor does not have yet`);
    },
  });
  n.registerIntrinsics("jdk/internal/module/SystemModuleFinders$SystemModuleReader", {
    "containsImageLocation(Ljava/lang/String;)Z": (vm, _t, [reader, name]) => {
      const module = vm.strings.js(vm.getField(reader as JObject, "module") as JObject);
      return vm.registry.image.findResource(module, vm.strings.js(name as JObject)) === undefined ? 0 : 1;
    },
  });
  n.register("java/lang/Module", {
    "defineModule0(Ljava/lang/Module;ZLjava/lang/String;Ljava/lang/String;[Ljava/lang/Object;)V": (vm, _t, [m]) => {
      const name = vm.getField(m as JObject, "name") as JObject | null;
      if (name !== null) vm.defineModule(vm.strings.js(name), m as JObject);
    },
    "addReads0(Ljava/lang/Module;Ljava/lang/Module;)V": () => {},
    "addExports0(Ljava/lang/Module;Ljava/lang/String;Ljava/lang/Module;)V": () => {},
    "addExportsToAll0(Ljava/lang/Module;Ljava/lang/String;)V": () => {},
    "addExportsToAllUnnamed0(Ljava/lang/Module;Ljava/lang/String;)V": () => {},
  });
}
