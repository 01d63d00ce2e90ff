/**
 * Class loading and linking (JVMS 5.3, 5.4): the bootstrap loader defines the
 * JDK's classes from the module image, the application loader those of the
 * class path (delegating to the bootstrap loader first); array classes and the
 * nine primitive classes are made here. Loading returns undefined for a class
 * that does not exist: the caller decides which Java error that is.
 */

import {
  AccessFlags, ClassFormatError, MAX_MAJOR_VERSION, parseClassFile, UnsupportedClassVersionError, type ClassFile,
} from "../classfile/index.js";
import type { ClassSource, ModuleImage } from "./class-path.js";
import { JClass, JField, JMethod } from "./klass.js";
import type { JObject } from "./objects.js";

/** Descriptor letters of the primitive types and void, with their Java names. */
export const PRIMITIVES: Readonly<Record<string, string>> = {
  Z: "boolean", B: "byte", C: "char", S: "short", I: "int", J: "long", F: "float", D: "double", V: "void",
};

/** Which loader defines a class: the bootstrap loader or the application class loader. */
export const enum Defining {
  Boot,
  App,
}

/** The loaded classes of one VM, by defining loader. */
export class ClassRegistry {
  private readonly bootClasses = new Map<string, JClass>();
  private readonly appClasses = new Map<string, JClass>();
  private readonly primitives = new Map<string, JClass>();
  /** The java.lang.ClassLoader object of the application loader, once Java made it. */
  appLoader: JObject | null = null;
  /** The platform class loader, once Java made it (its classes share the bootstrap namespace here). */
  platformLoader: JObject | null = null;
  /** Classes each user-defined loader defined or was asked for (its initiating-loader table). */
  private readonly userLoaded = new Map<JObject, Map<string, JClass>>();
  /**
   * Resolves `name` through a user-defined class loader (the VM calls its
   * loadClass); undefined when it throws ClassNotFoundException.
   */
  userResolve: (loader: JObject, name: string) => JClass | undefined = () => undefined;
  /** Called for each class defined, to give it a mirror and module once the VM can. */
  onDefine: (cls: JClass) => void = () => {};

  constructor(
    readonly image: ModuleImage,
    readonly classPath: readonly ClassSource[],
  ) {
    for (const letter of Object.keys(PRIMITIVES)) {
      const c = new JClass(PRIMITIVES[letter]!, AccessFlags.ACC_PUBLIC | AccessFlags.ACC_FINAL | AccessFlags.ACC_ABSTRACT, null, undefined);
      c.primitive = letter;
      c.moduleName = "java.base";
      this.primitives.set(letter, c);
    }
  }

  /** The primitive class of descriptor letter `letter` ("I"), or undefined. */
  primitive(letter: string): JClass | undefined {
    return this.primitives.get(letter);
  }

  /** The class `name` if `loader` (null: the bootstrap loader) has already loaded it (ClassLoader.findLoadedClass). */
  loaded(name: string, loader: JObject | null): JClass | undefined {
    if (this.isUserLoader(loader)) return this.userLoaded.get(loader!)?.get(name);
    return this.bootClasses.get(name) ?? (loader !== null ? this.appClasses.get(name) : undefined);
  }

  /** Every class loaded so far. */
  all(): JClass[] {
    return [...this.bootClasses.values(), ...this.appClasses.values()];
  }

  /**
   * Loads `name` ("java/lang/String", "[[I") as seen from a class defined by
   * `from` (Boot: the bootstrap loader only; App: bootstrap first, then the class path).
   */
  load(name: string, from: Defining): JClass | undefined {
    const boot = this.bootClasses.get(name);
    if (boot !== undefined) return boot;
    if (from === Defining.App) {
      const app = this.appClasses.get(name);
      if (app !== undefined) return app;
    }
    if (name.charCodeAt(0) === 0x5b /* [ */) return this.loadArray(name, from);
    const found = this.image.findClass(name);
    if (found !== undefined) return this.define(name, found.bytes, Defining.Boot, found.module);
    if (from === Defining.Boot) return undefined;
    const path = name + ".class";
    for (const source of this.classPath) {
      const bytes = source.read(path);
      if (bytes !== undefined) return this.define(name, bytes, Defining.App, "", name);
    }
    return undefined;
  }

  /** The class `name` as the loader that defined `cls` sees it. */
  loadFrom(cls: JClass, name: string): JClass | undefined {
    if (this.isUserLoader(cls.loader)) return this.loadThrough(cls.loader!, name);
    return this.load(name, cls.fromClassPath ? Defining.App : Defining.Boot);
  }

  /** True for a class loader that is neither the bootstrap, platform nor application loader. */
  isUserLoader(loader: JObject | null): boolean {
    return loader !== null && loader !== this.appLoader && loader !== this.platformLoader;
  }

  /** `name` through user-defined `loader`: a class it already has, else its loadClass (recorded as initiated). */
  loadThrough(loader: JObject, name: string): JClass | undefined {
    const known = this.userLoaded.get(loader)?.get(name);
    if (known !== undefined) return known;
    if (name.charCodeAt(0) === 0x5b /* [ */) {
      const inner = name.slice(1);
      const component = inner[0] === "L" ? this.loadThrough(loader, inner.slice(1, -1)) : inner[0] === "[" ? this.loadThrough(loader, inner) : this.primitives.get(inner);
      return component === undefined ? undefined : this.arrayOf(component);
    }
    const c = this.userResolve(loader, name);
    if (c !== undefined) this.record(loader, name, c);
    return c;
  }

  private record(loader: JObject, name: string, cls: JClass): void {
    let table = this.userLoaded.get(loader);
    if (table === undefined) this.userLoaded.set(loader, (table = new Map()));
    table.set(name, cls);
  }

  /** Defines a class for user-defined class loader `loader` (ClassLoader.defineClass), in that loader's namespace. */
  defineForUser(bytes: Uint8Array, loader: JObject, source: string): JClass {
    const cf = parse(bytes, source);
    const cls = this.link(cf, cf.name, Defining.App, "", false, loader);
    this.record(loader, cf.name, cls);
    return cls;
  }

  /** The array class whose component is `component`. */
  arrayOf(component: JClass): JClass {
    if (component.arrayClass !== null) return component.arrayClass;
    const name = "[" + component.descriptor;
    const object = this.load("java/lang/Object", Defining.Boot)!;
    const access = (component.primitive !== "" ? AccessFlags.ACC_PUBLIC : component.access & AccessFlags.ACC_PUBLIC) |
      AccessFlags.ACC_FINAL | AccessFlags.ACC_ABSTRACT;
    const a = new JClass(name, access, component.loader, undefined);
    a.componentType = component;
    a.superClass = object;
    a.interfaces = [this.load("java/lang/Cloneable", Defining.Boot)!, this.load("java/io/Serializable", Defining.Boot)!];
    a.moduleName = component.moduleName;
    a.fromClassPath = component.fromClassPath;
    component.arrayClass = a;
    (a.fromClassPath ? this.appClasses : this.bootClasses).set(name, a);
    this.onDefine(a);
    return a;
  }

  private loadArray(name: string, from: Defining): JClass | undefined {
    const inner = name.slice(1);
    let component: JClass | undefined;
    if (inner[0] === "L") component = this.load(inner.slice(1, -1), from);
    else if (inner[0] === "[") component = this.load(inner, from);
    else component = inner.length === 1 && inner !== "V" ? this.primitives.get(inner) : undefined;
    return component === undefined ? undefined : this.arrayOf(component);
  }

  /** Parses and links a class file, loading its superclass and interfaces first; a malformed one is a LinkageFailure. */
  define(name: string, bytes: Uint8Array, loader: Defining, moduleName: string, source = name): JClass {
    return this.link(parse(bytes, source), name, loader, moduleName, false);
  }

  /**
   * Defines a hidden class (JVMS 5.3.6 as Lookup.defineHiddenClass asks) in
   * the loader and module of `lookup`: named "<name>/0x<id>", found by no
   * loader, and resolving its own this_class to itself.
   */
  defineHidden(bytes: Uint8Array, lookup: JClass): JClass {
    const cf = parse(bytes, "hidden class");
    const id = (0x800c00000 + 0x1000 * ++this.hiddenCount).toString(16).padStart(16, "0");
    return this.link(cf, `${cf.name}/0x${id}`, lookup.fromClassPath ? Defining.App : Defining.Boot, lookup.moduleName, true, lookup.loader);
  }

  private hiddenCount = 0;

  private link(
    cf: ClassFile, name: string, loader: Defining, moduleName: string, hidden: boolean,
    loaderObject: JObject | null = loader === Defining.Boot ? null : this.appLoader,
  ): JClass {
    const cls = new JClass(hidden ? name : cf.name, cf.access_flags, loaderObject, cf);
    cls.moduleName = moduleName;
    cls.fromClassPath = loader === Defining.App;
    cls.hidden = hidden;
    if (hidden) cls.resolved[cf.this_class] = cls;
    else if (!this.isUserLoader(loaderObject)) (loader === Defining.Boot ? this.bootClasses : this.appClasses).set(cf.name, cls);
    const resolveSuper = (n: string) => (this.isUserLoader(loaderObject) ? this.loadThrough(loaderObject!, n) : this.load(n, loader));
    if (cf.superName !== undefined) {
      const s = resolveSuper(cf.superName);
      if (s === undefined) throw new LinkageFailure("java/lang/NoClassDefFoundError", cf.superName);
      cls.superClass = s;
    }
    cls.interfaces = cf.interfaceNames.map((i) => {
      const c = resolveSuper(i);
      if (c === undefined) throw new LinkageFailure("java/lang/NoClassDefFoundError", i);
      return c;
    });
    cls.addMembers(
      cf,
      (f) => new JField(cls, f.name, f.descriptor, f.access_flags, f),
      (m) => new JMethod(cls, m.name, m.descriptor, m.access_flags, m),
    );
    this.onDefine(cls);
    return cls;
  }
}

/**
 * Parses a class file; what the parser refuses becomes the Java error the
 * JVM throws (ClassFormatError, or UnsupportedClassVersionError in HotSpot's words).
 */
function parse(bytes: Uint8Array, source: string): ClassFile {
  try {
    return parseClassFile(bytes, source);
  } catch (e) {
    if (e instanceof UnsupportedClassVersionError) {
      const m = /version (\d+)\.(\d+)/.exec(e.message);
      const tooNew = m !== null && Number(m[1]) > MAX_MAJOR_VERSION;
      throw new LinkageFailure("java/lang/UnsupportedClassVersionError", tooNew
        ? `${source.replace(/\//g, ".")} has been compiled by a more recent version of the Java Runtime (class file version ${m![1]}.${m![2]}), ` +
          `this version of the Java Runtime only recognizes class file versions up to ${MAX_MAJOR_VERSION}.0`
        : e.message);
    }
    if (e instanceof ClassFormatError) throw new LinkageFailure("java/lang/ClassFormatError", e.message);
    throw e;
  }
}

/** A linkage failure found by the registry, turned into the named Java error by the VM. */
export class LinkageFailure extends Error {
  constructor(
    /** Binary name of the Java error class to throw. */
    readonly errorClass: string,
    message: string,
  ) {
    super(message);
  }
}
