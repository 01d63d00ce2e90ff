/**
 * Starting a JVM the way HotSpot's create_vm does: the core classes, the
 * initial thread group and java.lang.Thread object for "main", then
 * System.initPhase1 (properties, standard streams, signals) — and running a
 * main class, with an uncaught exception reported through
 * Thread.dispatchUncaughtException as `java` reports it.
 */

import { ModuleImage, type ClassSource } from "./class-path.js";
import { HeapBudget, Jvm, JvmExit, type JvmHost } from "./jvm.js";
import { Natives } from "./natives.js";
import { JavaThrow, type JObject } from "./objects.js";
import { ClassRegistry, Defining, LinkageFailure } from "./registry.js";
import type { JClass } from "./klass.js";
import { Frame, JThread, ThreadState } from "./thread.js";
import { registerJavaLang } from "../natives/java-lang.js";
import { registerJdkInternalMisc } from "../natives/jdk-internal-misc.js";
import { registerJdkInternal, type PlatformInfo } from "../natives/jdk-internal.js";
import { registerJavaIo } from "../natives/java-io.js";
import { registerJavaIoFiles } from "../natives/java-io-files.js";
import { registerReflection } from "../natives/java-lang-reflect.js";
import { registerInvokeNatives } from "../natives/java-lang-invoke.js";
import { registerZipNatives } from "../natives/java-util-zip.js";
import { registerNioNatives } from "../natives/sun-nio.js";
import { NativeMemory } from "../natives/unsafe-memory.js";
import type { JImage } from "../jimage/jimage.js";

/** What a JVM is made from. */
export interface JvmOptions {
  /** The JDK's module image (lib/modules). */
  image: JImage;
  /** The application class path. */
  classPath: ClassSource[];
  /** Where the VM runs (java.home, user.dir...). */
  platform: PlatformInfo;
  /** -Dkey=value properties. */
  properties?: [string, string][];
  /** -Xmx in bytes (default 1 GiB). */
  maxHeapBytes?: number;
  /** -ea: assertions in application classes. */
  assertions?: boolean;
  host: JvmHost;
}

/** Thread.NORM_PRIORITY. */
const NORM_PRIORITY = 5;

/** The boot failed with a Java exception, which has been printed to stderr (as HotSpot's "Error occurred during initialization of VM"). */
export class JvmBootError extends Error {}

/** Creates a JVM and boots java.base; a Java exception during boot is printed and becomes a JvmBootError. */
export function createJvm(options: JvmOptions): Jvm {
  let vm: Jvm | undefined;
  try {
    return boot(options, (v) => (vm = v));
  } catch (e) {
    if (!(e instanceof JavaThrow) || vm === undefined) throw e;
    const ex = e.exception;
    let text = ex.cls.javaName;
    try {
      text = vm.strings.js(vm.invokeVirtual(vm.mainThread, ex, "toString", "()Ljava/lang/String;") as JObject);
      vm.invokeVirtual(vm.mainThread, ex, "printStackTrace", "()V");
    } catch {
      // the VM cannot even print it: the class name says what it can
    }
    throw new JvmBootError(text);
  }
}

function boot(options: JvmOptions, made: (vm: Jvm) => void): Jvm {
  const natives = new Natives();
  const vmMemory = new NativeMemory();
  registerJavaLang(natives);
  registerJdkInternalMisc(natives, vmMemory);
  registerJdkInternal(natives, options.platform);
  registerJavaIo(natives);
  registerJavaIoFiles(natives);
  registerReflection(natives);
  registerInvokeNatives(natives);
  registerZipNatives(natives);
  registerNioNatives(natives);
  const registry = new ClassRegistry(new ModuleImage(options.image), options.classPath);
  const vm = new Jvm(registry, natives, options.host, vmMemory);
  made(vm);
  vm.userProperties.push(...(options.properties ?? []));
  if (options.maxHeapBytes !== undefined) vm.heap = new HeapBudget(options.maxHeapBytes);
  vm.assertions = options.assertions ?? false;
  const t = vm.mainThread;
  for (const name of ["java/lang/Object", "java/lang/String", "java/lang/Class"]) vm.load(name);
  for (const c of registry.all()) vm.mirror(c);
  for (const name of ["java/lang/String", "java/lang/System", "java/lang/Class", "java/lang/ThreadGroup"]) {
    vm.initialize(t, vm.load(name));
  }
  // The initial thread group and thread (HotSpot's create_initial_thread_group / create_initial_thread).
  const system = vm.construct(t, "java/lang/ThreadGroup", "()V", []);
  const main = vm.construct(t, "java/lang/ThreadGroup", "(Ljava/lang/ThreadGroup;Ljava/lang/String;)V", [system, vm.strings.str("main")]);
  const threadClass = vm.load("java/lang/Thread");
  vm.initialize(t, threadClass);
  const thread = vm.newObject(threadClass);
  vm.setField(thread, "priority", NORM_PRIORITY);
  t.javaThread = thread;
  thread.host = t;
  vm.invoke(t, threadClass.declaredMethod("<init>", "(Ljava/lang/ThreadGroup;Ljava/lang/String;)V")!, [thread, main, vm.strings.str("main")]);
  vm.setField(thread, "threadStatus", THREAD_RUNNABLE);
  setUnsafeConstants(vm);
  for (const name of ["java/lang/Module", "java/lang/reflect/Method", "java/lang/ref/Finalizer"]) vm.initialize(t, vm.load(name));
  makeUnnamedModule(vm);
  vm.invokeStatic(t, "java/lang/System", "initPhase1", "()V");
  // The module system (the boot layer from the image's SystemModules), then the
  // system class loader and security manager, as HotSpot's create_vm calls them.
  const status = vm.invokeStatic(t, "java/lang/System", "initPhase2", "(ZZ)I", [1, 1]);
  if (status !== 0) throw new JvmBootError(`System.initPhase2 failed (${String(status)})`);
  vm.invokeStatic(t, "java/lang/System", "initPhase3", "()V");
  // Classes of the class path are defined by the VM for the JDK's application class loader.
  registry.appLoader = vm.invokeStatic(t, "java/lang/ClassLoader", "getSystemClassLoader", "()Ljava/lang/ClassLoader;") as JObject;
  registry.platformLoader = vm.invokeStatic(t, "java/lang/ClassLoader", "getPlatformClassLoader", "()Ljava/lang/ClassLoader;") as JObject;
  return vm;
}

/** The unnamed module of the boot loader, given to every class loaded so far and to come. */
function makeUnnamedModule(vm: Jvm): void {
  vm.setUnnamedModule(vm.construct(vm.mainThread, "java/lang/Module", "(Ljava/lang/ClassLoader;)V", [null]));
}

/** Thread.State RUNNABLE as JVMTI encodes it in threadStatus. */
const THREAD_RUNNABLE = 0x0004;

/** jdk.internal.misc.UnsafeConstants, which the VM fills in before the class is used. */
function setUnsafeConstants(vm: Jvm): void {
  const c = vm.load("jdk/internal/misc/UnsafeConstants");
  const values: Record<string, number> = { ADDRESS_SIZE0: 8, PAGE_SIZE: 4096, BIG_ENDIAN: 0, UNALIGNED_ACCESS: 1, DATA_CACHE_LINE_FLUSH_SIZE: 0 };
  vm.initialize(vm.mainThread, c);
  for (const [name, v] of Object.entries(values)) c.statics[vm.staticField(c, name).slot] = v;
}

/**
 * Runs `mainClass`'s `public static void main(String[])` with `args` on the
 * main thread, with the other threads it starts, until every non-daemon
 * thread has ended; then the shutdown hooks (DestroyJavaVM). Returns the exit
 * status: System.exit's, 1 if main ended with an uncaught exception, else 0.
 */
export function runMain(vm: Jvm, mainClass: string, args: string[]): number {
  const t = vm.mainThread;
  try {
    let cls: JClass | undefined;
    try {
      cls = vm.registry.load(mainClass.replace(/\./g, "/"), Defining.App);
    } catch (e) {
      if (!(e instanceof LinkageFailure)) throw e;
      report(vm, `Error: LinkageError occurred while loading main class ${mainClass}\n\t${e.errorClass.replace(/\//g, ".")}: ${e.message}\n`);
      return 1;
    }
    if (cls === undefined) {
      report(vm, `Error: Could not find or load main class ${mainClass}\nCaused by: java.lang.ClassNotFoundException: ${mainClass}\n`);
      return 1;
    }
    const main = cls.declaredMethod("main", "([Ljava/lang/String;)V");
    if (main === undefined || !main.isStatic) {
      report(vm, `Error: Main method not found in class ${mainClass}, please define the main method as:\n   public static void main(String[] args)\n` +
        `or a JavaFX application class must extend javafx.application.Application\n`);
      return 1;
    }
    const argv = vm.refArray("java/lang/String", args.map((a) => vm.strings.str(a)));
    try {
      vm.initialize(t, cls);
    } catch (e) {
      if (!(e instanceof JavaThrow)) throw e;
      reportUncaught(vm, t, e.exception);
      return 1;
    }
    const frame = new Frame(main);
    frame.locals[0] = argv;
    const nonDaemonAlive = () => vm.scheduler.threads.some((x) => x.javaThread !== null && vm.getField(x.javaThread, "daemon") === 0);
    runThread(vm, t, frame, nonDaemonAlive);
    const destroy = new JThread("DestroyJavaVM");
    destroy.javaThread = t.javaThread;
    runThread(vm, destroy, new Frame(vm.load("java/lang/Shutdown").declaredMethod("shutdown", "()V")!), () => destroy.state !== ThreadState.Terminated);
    return t.uncaught ? 1 : 0;
  } catch (e) {
    if (e instanceof JvmExit) return e.status;
    throw e;
  }
}

/** Starts `t` at `frame` and runs every thread until `busy()` is false. */
function runThread(vm: Jvm, t: JThread, frame: Frame, busy: () => boolean): void {
  t.frames.push(frame);
  t.state = ThreadState.Runnable;
  vm.scheduler.add(t);
  vm.scheduler.runUntil(() => !busy());
}

function report(vm: Jvm, message: string): void {
  vm.host.write(2, new TextEncoder().encode(message));
}

/** Hands an uncaught exception to the thread's handler (which prints "Exception in thread ..."). */
function reportUncaught(vm: Jvm, t: JThread, exception: JObject): void {
  try {
    vm.invokeVirtual(t, t.javaThread!, "dispatchUncaughtException", "(Ljava/lang/Throwable;)V", [exception]);
  } catch (e) {
    if (!(e instanceof JavaThrow)) throw e;
  }
}
