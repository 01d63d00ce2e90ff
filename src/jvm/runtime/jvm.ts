/**
 * One Java virtual machine: its loaded classes, heap helpers (objects, arrays,
 * strings, Class mirrors), class initialization (JVMS 5.5), calls from host
 * code into Java, and Java exceptions raised by the VM itself.
 */

import { AccessFlags, findAttribute, Tag, constantValue } from "../classfile/index.js";
import { ClassState, type JClass, type JField, type JMethod } from "./klass.js";
import { execute } from "./interpreter.js";
import { elementSize, JavaThrow, JObject, newArrayData, type ArrayData, type Value } from "./objects.js";
import { ClassRegistry, Defining, LinkageFailure } from "./registry.js";
import { StringTable } from "./strings.js";
import { Frame, JThread } from "./thread.js";
import type { Natives } from "./natives.js";
import { Scheduler } from "./scheduler.js";
import { NativeMemory } from "../natives/unsafe-memory.js";

/** A file's metadata as JvmFiles.statSync gives it. */
export interface JvmStats {
  size: number;
  mtimeMs: number;
  mode: number;
  isFile(): boolean;
  isDirectory(): boolean;
}

/**
 * The host's files, as the java.io natives use them: the subset of node:fs's
 * synchronous API they call (errors are thrown with Node's `code`, "ENOENT"...).
 */
export interface JvmFiles {
  openSync(path: string, flags: string): number;
  closeSync(fd: number): void;
  readSync(fd: number, buffer: Uint8Array, offset: number, length: number, position: number | null): number;
  writeSync(fd: number, buffer: Uint8Array, offset: number, length: number, position: number | null): number;
  fstatSync(fd: number): JvmStats;
  statSync(path: string): JvmStats;
  realpathSync(path: string): string;
  readdirSync(path: string): string[];
  mkdirSync(path: string): void;
  unlinkSync(path: string): void;
  rmdirSync(path: string): void;
  renameSync(from: string, to: string): void;
  accessSync(path: string, mode: number): void;
  utimesSync(path: string, atime: number, mtime: number): void;
  chmodSync(path: string, mode: number): void;
  ftruncateSync(fd: number, length: number): void;
}

/** What the VM needs from its host: its standard streams and files. */
export interface JvmHost {
  /** Writes bytes to host file descriptor `fd` (1 stdout, 2 stderr); returns bytes written. */
  write(fd: number, bytes: Uint8Array): number;
  /** Reads up to `buffer.length` bytes from `fd`; 0 at end of file. */
  read(fd: number, buffer: Uint8Array): number;
  /** The host's file system, if the VM may use one. */
  files?: JvmFiles;
  /** The process's environment variables (System.getenv). */
  environment?: () => Record<string, string | undefined>;
  /** The current directory (getcwd). */
  cwd?: () => string;
  /** The host's time-zone ID ("Europe/Paris"), as the JDK's TimeZone.getSystemTimeZoneID finds it. */
  timeZone?: () => string;
  /**
   * Inflates a deflate stream (zlib-wrapped unless `raw`) from its start:
   * the output so far, the input bytes the stream used, and whether it ended.
   * Throws an Error whose message is zlib's for corrupt data.
   */
  inflate?: (input: Uint8Array, raw: boolean) => { output: Uint8Array; consumed: number; complete: boolean };
}

/** Thrown through host code when Java calls System.exit / Runtime.halt. */
export class JvmExit extends Error {
  constructor(readonly status: number) {
    super(`exit ${status}`);
  }
}

/** HotSpot's largest array length plus one (Integer.MAX_VALUE - 2 is the last it allocates). */
const MAX_ARRAY_LENGTH = 0x7fffffff - 2;
/** Arrays from this many bytes on count against the heap limit (-Xmx). */
const LARGE_ARRAY = 1 << 16;

/**
 * The approximate heap limit: the bytes of the large arrays still reachable
 * (the host's collector reports them freed through a FinalizationRegistry)
 * may not pass -Xmx. Everything else is the host's heap, unaccounted.
 */
export class HeapBudget {
  private live = 0;
  private readonly freed = new FinalizationRegistry<number>((bytes) => {
    this.live -= bytes;
  });

  constructor(
    /** -Xmx in bytes: Runtime.maxMemory. */
    readonly maxBytes: number,
  ) {}

  /** True if `bytes` more fit under the limit. */
  reserve(bytes: number): boolean {
    return this.live + bytes <= this.maxBytes;
  }

  /** Counts `array` (of `bytes`) until the host collects it. */
  track(array: object, bytes: number): void {
    this.live += bytes;
    this.freed.register(array, bytes);
  }

  /** Bytes of large arrays believed reachable. */
  get used(): number {
    return this.live;
  }
}

/** The frames a single thread may stack before StackOverflowError. */
export const MAX_FRAMES = 3000;

/** A Java virtual machine. */
export class Jvm {
  readonly strings: StringTable;
  /** System properties the launcher passed (-Dkey=value), in order. */
  readonly userProperties: [string, string][] = [];
  /** The thread that runs main. */
  mainThread: JThread = new JThread("main");
  /** The heap limit (-Xmx), approximately enforced. */
  heap = new HeapBudget(1 << 30);
  /** Assertions enabled (-ea): what Class.desiredAssertionStatus0 answers. */
  assertions = false;
  /** The green-thread scheduler. */
  readonly scheduler: Scheduler = new Scheduler(this);
  /**
   * The unnamed java.lang.Module every class is in until the module system
   * boots (System.initPhase2 is not run yet).
   */
  unnamedModule: JObject | null = null;
  /** Named modules defined so far (Module.defineModule0), by name. */
  readonly namedModules = new Map<string, JObject>();
  private objectClass: JClass | undefined;
  private classClass: JClass | undefined;

  constructor(
    readonly registry: ClassRegistry,
    readonly natives: Natives,
    readonly host: JvmHost,
    /** Native memory for Unsafe.allocateMemory (shared with the Unsafe natives). */
    readonly nativeMemory: NativeMemory = new NativeMemory(),
  ) {
    this.strings = new StringTable(this);
    registry.userResolve = (loader, name) => this.loadThroughJava(loader, name);
    registry.onDefine = (cls) => {
      for (const m of cls.methods) if (natives.isIntrinsic(m)) m.isNative = true;
      if (this.classClass !== undefined) this.mirror(cls);
    };
  }

  /** Loads `name` as seen from `from` (null: the bootstrap loader); throws NoClassDefFoundError as a JavaThrow. */
  load(name: string, from: JClass | null = null, thread: JThread = this.mainThread): JClass {
    let cls: JClass | undefined;
    try {
      cls = from === null ? this.registry.load(name, Defining.Boot) : this.registry.loadFrom(from, name);
    } catch (e) {
      if (e instanceof LinkageFailure) this.throwNew(thread, e.errorClass, e.message.replace(/\//g, "/"));
      throw e;
    }
    if (cls === undefined) this.throwNew(thread, "java/lang/NoClassDefFoundError", name);
    return cls;
  }

  /** `name` through a user-defined class loader's loadClass(String), on the running thread; undefined on ClassNotFoundException. */
  private loadThroughJava(loader: JObject, name: string): JClass | undefined {
    const thread = this.scheduler.current ?? this.mainThread;
    try {
      const mirror = this.invokeVirtual(thread, loader, "loadClass", "(Ljava/lang/String;)Ljava/lang/Class;", [this.strings.str(name.replace(/\//g, "."))]);
      return mirror === null ? undefined : this.classOf(mirror as JObject);
    } catch (e) {
      if (e instanceof JavaThrow && this.isInstance(e.exception, "java/lang/ClassNotFoundException")) return undefined;
      throw e;
    }
  }

  /** java.lang.Object. */
  get objectCls(): JClass {
    return (this.objectClass ??= this.load("java/lang/Object"));
  }

  /** Allocates an instance of `cls` with default field values (no constructor run). */
  newObject(cls: JClass): JObject {
    return new JObject(cls, cls.fieldTemplate.slice());
  }

  /** Allocates an array of `length` elements of class `component`. */
  newArray(component: JClass, length: number): JObject {
    return this.newArrayOf(this.registry.arrayOf(component), length);
  }

  /** Allocates a new array of class `arrayClass` ("[I", "[Ljava/lang/String;"). */
  newArrayOf(arrayClass: JClass, length: number): JObject {
    const component = arrayClass.componentType!.descriptor;
    if (length >= MAX_ARRAY_LENGTH) this.outOfMemory("Requested array size exceeds VM limit");
    const bytes = length * elementSize(component);
    if (bytes >= LARGE_ARRAY && !this.heap.reserve(bytes)) this.outOfMemory("Java heap space");
    let data: ArrayData;
    try {
      data = newArrayData(component, length);
    } catch (e) {
      if (e instanceof RangeError) this.outOfMemory("Java heap space");
      throw e;
    }
    const array = new JObject(arrayClass, [], data);
    if (bytes >= LARGE_ARRAY) this.heap.track(array, bytes);
    return array;
  }

  /** Throws OutOfMemoryError with `message` (preallocated by HotSpot; made here, which needs little memory). */
  outOfMemory(message: string): never {
    this.throwNew(this.scheduler.current ?? this.mainThread, "java/lang/OutOfMemoryError", message);
  }

  /** A Java String[] (or other reference array) holding `items`. */
  refArray(componentName: string, items: (JObject | null)[]): JObject {
    const a = this.newArray(this.load(componentName), items.length);
    (a.data as (JObject | null)[]).splice(0, items.length, ...items);
    return a;
  }

  /** The java.lang.Class object of `cls`, made on first use. */
  mirror(cls: JClass): JObject {
    if (cls.mirror !== null) return cls.mirror;
    this.classClass ??= this.load("java/lang/Class");
    const m = this.newObject(this.classClass);
    m.host = cls;
    cls.mirror = m;
    const set = (name: string, v: Value) => {
      const f = this.classClass!.instanceFields.find((x) => x.name === name);
      if (f !== undefined) m.fields[f.slot] = v;
    };
    this.adoptModuleLoader(cls);
    set("classLoader", cls.loader);
    set("module", this.moduleOf(cls));
    if (cls.componentType !== null) set("componentType", this.mirror(cls.componentType));
    return m;
  }

  /**
   * The java.lang.Module of `cls`: its named module once defined, else the
   * unnamed module of its loader (the application loader's, or the boot loader's).
   */
  moduleOf(cls: JClass): JObject | null {
    const named = cls.moduleName === "" ? undefined : this.namedModules.get(cls.moduleName);
    if (named !== undefined) return named;
    if (cls.loader !== null) {
      const f = cls.loader.cls.instanceFields.find((x) => x.name === "unnamedModule");
      if (f !== undefined && cls.loader.fields[f.slot] !== null) return cls.loader.fields[f.slot] as JObject;
    }
    return this.unnamedModule;
  }

  /** Makes `module` the boot loader's unnamed module (BootLoader's, once Java has made it). */
  setUnnamedModule(module: JObject): void {
    this.unnamedModule = module;
    this.refreshModules();
  }

  /** Records named module `name` (Module.defineModule0) and moves its classes into it. */
  defineModule(name: string, module: JObject): void {
    this.namedModules.set(name, module);
    this.refreshModules();
  }

  /**
   * Sets every mirror's module from moduleOf (after a module is defined), and
   * gives the classes of a named module that module's loader (the boot layer
   * maps java.base to the boot loader, jdk.compiler to the application loader...).
   */
  private refreshModules(): void {
    const classClass = this.load("java/lang/Class");
    const moduleSlot = classClass.fieldNamed("module").slot;
    const loaderSlot = classClass.fieldNamed("classLoader").slot;
    for (const c of this.registry.all()) {
      this.adoptModuleLoader(c);
      if (c.mirror === null) continue;
      c.mirror.fields[moduleSlot] = this.moduleOf(c);
      c.mirror.fields[loaderSlot] = c.loader;
    }
  }

  /** Gives `cls` the loader of its named module, if that module is defined. */
  private adoptModuleLoader(cls: JClass): void {
    const named = cls.moduleName === "" || cls.hidden ? undefined : this.namedModules.get(cls.moduleName);
    if (named === undefined) return;
    const loader = named.fields[named.cls.fieldNamed("loader").slot] as JObject | null;
    if (cls.loader !== loader) cls.loader = loader;
  }

  /** The JClass a java.lang.Class object stands for. */
  classOf(mirror: JObject): JClass {
    return mirror.host as JClass;
  }

  /** Runs class initialization (JVMS 5.5) if `cls` needs it, in `thread`. */
  initialize(thread: JThread, cls: JClass): void {
    if (cls.state === ClassState.Initialized) return;
    if (cls.state === ClassState.Initializing) return; // recursive request by the initializing thread
    if (cls.state === ClassState.Erroneous) {
      const error = this.newThrowable(thread, "java/lang/NoClassDefFoundError", `Could not initialize class ${cls.javaName}`);
      if (cls.initError !== null) this.invokeVirtual(thread, error, "initCause", "(Ljava/lang/Throwable;)Ljava/lang/Throwable;", [cls.initError]);
      throw new JavaThrow(error);
    }
    cls.state = ClassState.Initializing;
    cls.initThread = thread;
    try {
      if (cls.superClass !== null && !cls.isInterface) this.initialize(thread, cls.superClass);
      if (!cls.isInterface) {
        for (const i of cls.interfaces) if (declaresDefaults(i)) this.initialize(thread, i);
      }
      this.setConstantValues(cls);
      const clinit = cls.declaredMethod("<clinit>", "()V");
      if (clinit !== undefined) this.invoke(thread, clinit, []);
      cls.state = ClassState.Initialized;
    } catch (e) {
      cls.state = ClassState.Erroneous;
      if (e instanceof JavaThrow) cls.initError = this.initializationError(thread, e.exception);
      if (e instanceof JavaThrow && !this.isInstance(e.exception, "java/lang/Error")) {
        throw new JavaThrow(this.construct(thread, "java/lang/ExceptionInInitializerError", "(Ljava/lang/Throwable;)V", [e.exception]));
      }
      throw e;
    }
  }

  /**
   * What a later NoClassDefFoundError gives as its cause, as HotSpot records
   * it: an ExceptionInInitializerError saying which exception failed the
   * initializer in which thread, with that exception's stack trace.
   */
  private initializationError(thread: JThread, failure: JObject): JObject | null {
    try {
      const message = this.getField(failure, "detailMessage") as JObject | null;
      const text = `Exception ${failure.cls.javaName}${message === null ? "" : `: ${this.strings.js(message)}`} [in thread "${thread.name}"]`;
      const error = this.newThrowable(thread, "java/lang/ExceptionInInitializerError", text);
      const trace = this.invokeVirtual(thread, failure, "getStackTrace", "()[Ljava/lang/StackTraceElement;");
      this.invokeVirtual(thread, error, "setStackTrace", "([Ljava/lang/StackTraceElement;)V", [trace]);
      return error;
    } catch (e) {
      if (e instanceof JavaThrow) return null;
      throw e;
    }
  }

  private setConstantValues(cls: JClass): void {
    const pool = cls.cf?.constant_pool;
    if (pool === undefined) return;
    for (const f of cls.fields) {
      if (!f.isStatic || f.info === undefined) continue;
      const cv = findAttribute(f.info.attributes, "ConstantValue");
      if (cv === undefined) continue;
      const v = constantValue(pool, cv.constantvalue_index);
      cls.statics[f.slot] = typeof v === "string" ? this.strings.intern(v) : pool[cv.constantvalue_index]!.tag === Tag.Float ? Math.fround(v as number) : v;
    }
  }

  /** True if `obj` is an instance of the class named `name`. */
  isInstance(obj: JObject, name: string): boolean {
    const c = this.registry.load(name, Defining.Boot);
    return c !== undefined && obj.cls.isAssignableTo(c);
  }

  /**
   * Calls `method` from host code and runs it to completion: `args` holds the
   * receiver (if any) then one value per parameter. Throws JavaThrow if the
   * call completes abruptly.
   */
  invoke(thread: JThread, method: JMethod, args: Value[]): Value {
    if (method.isNative) return this.natives.call(this, thread, method, args);
    if (method.code === undefined) this.throwNew(thread, "java/lang/AbstractMethodError", method.toString());
    if (thread.frames.length >= MAX_FRAMES) this.stackOverflow(thread);
    const f = new Frame(method);
    let slot = 0;
    let i = 0;
    if (!method.isStatic) f.locals[slot++] = args[i++]!;
    for (const k of method.paramKinds) {
      f.locals[slot] = args[i++]!;
      slot += k === "J" || k === "D" ? 2 : 1;
    }
    const base = thread.frames.length;
    thread.frames.push(f);
    return execute(this, thread, base);
  }

  /** Calls the virtual method `name``descriptor` selected on `receiver`'s class. */
  invokeVirtual(thread: JThread, receiver: JObject, name: string, descriptor: string, args: Value[] = []): Value {
    const m = receiver.cls.resolveMethod(name, descriptor);
    if (m === undefined) this.throwNew(thread, "java/lang/NoSuchMethodError", `${receiver.cls.javaName}.${name}${descriptor}`);
    return this.invoke(thread, receiver.cls.selectMethod(m) ?? m, [receiver, ...args]);
  }

  /** Calls static method `name``descriptor` of class `className`, initializing the class first. */
  invokeStatic(thread: JThread, className: string, name: string, descriptor: string, args: Value[] = []): Value {
    const cls = this.load(className);
    this.initialize(thread, cls);
    const m = cls.declaredMethod(name, descriptor);
    if (m === undefined) this.throwNew(thread, "java/lang/NoSuchMethodError", `${cls.javaName}.${name}${descriptor}`);
    return this.invoke(thread, m, args);
  }

  /**
   * Throws StackOverflowError: the thread's frames reached MAX_FRAMES. The
   * error's own constructor runs above the limit (the frames it needs are
   * allowed while `overflowing` is set).
   */
  stackOverflow(thread: JThread): never {
    if (thread.overflowing) {
      if (thread.frames.length < MAX_FRAMES + 500) return undefined as never; // room for the error's constructor
      throw new Error("stack overflow while constructing StackOverflowError");
    }
    thread.overflowing = true;
    try {
      throw new JavaThrow(this.newThrowable(thread, "java/lang/StackOverflowError"));
    } finally {
      thread.overflowing = false;
    }
  }

  /** Creates `className` with its (String) constructor in `thread` and throws it as a JavaThrow. */
  throwNew(thread: JThread, className: string, message?: string): never {
    throw new JavaThrow(this.newThrowable(thread, className, message));
  }

  /** Creates a throwable of class `className` with detail `message` by running its constructor. */
  newThrowable(thread: JThread, className: string, message?: string): JObject {
    return message === undefined
      ? this.construct(thread, className, "()V", [])
      : this.construct(thread, className, "(Ljava/lang/String;)V", [this.strings.str(message)]);
  }

  /** `new className(args)` through the constructor of descriptor `descriptor` (the class initialized first), in `thread`. */
  construct(thread: JThread, className: string, descriptor: string, args: Value[]): JObject {
    const cls = this.load(className, null, thread);
    this.initialize(thread, cls);
    const obj = this.newObject(cls);
    this.invoke(thread, cls.declaredMethod("<init>", descriptor)!, [obj, ...args]);
    return obj;
  }

  /** A Java byte[] holding a copy of `bytes`. */
  byteArray(bytes: Uint8Array): JObject {
    const a = this.newArray(this.registry.primitive("B")!, bytes.length);
    (a.data as Int8Array).set(new Int8Array(bytes.buffer, bytes.byteOffset, bytes.length));
    return a;
  }

  /** Reads instance field `name` of `obj`. */
  getField(obj: JObject, name: string): Value {
    return obj.fields[obj.cls.fieldNamed(name).slot]!;
  }

  /** Writes instance field `name` of `obj`. */
  setField(obj: JObject, name: string, value: Value): void {
    obj.fields[obj.cls.fieldNamed(name).slot] = value;
  }

  /** The static field `name` of `cls` (declared there). */
  staticField(cls: JClass, name: string): JField {
    const f = cls.fields.find((x) => x.name === name && x.isStatic);
    if (f === undefined) throw new Error(`no static field ${name} in ${cls.name}`);
    return f;
  }
}

function declaresDefaults(i: JClass): boolean {
  return i.methods.some((m) => !m.isStatic && !m.isAbstract && (m.access & AccessFlags.ACC_PRIVATE) === 0);
}
