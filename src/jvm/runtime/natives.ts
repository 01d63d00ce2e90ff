/**
 * Native methods: implementations registered by class, name and descriptor
 * (one file per Java package under ../natives/), bound to a JMethod on its
 * first call. A native that is missing throws UnsatisfiedLinkError, as
 * HotSpot does for an unbound native.
 */

import type { JMethod } from "./klass.js";
import type { Jvm } from "./jvm.js";
import type { Value } from "./objects.js";
import type { JThread } from "./thread.js";

/** A native implementation: the VM, the calling thread, and the arguments (receiver first, one value per parameter). */
export type Native = (vm: Jvm, thread: JThread, args: Value[]) => Value | void;

/** The natives of one VM, by "java/lang/Object.hashCode()I". */
export class Natives {
  private readonly table = new Map<string, Native>();
  private readonly bound = new Map<JMethod, Native>();
  private readonly intrinsics = new Set<string>();

  /** Registers the natives of class `className`: keys are name+descriptor ("hashCode()I"). */
  register(className: string, natives: Record<string, Native>): void {
    for (const [key, fn] of Object.entries(natives)) this.table.set(`${className}.${key}`, fn);
  }

  /**
   * Registers intrinsics: Java methods of `className` the VM replaces with a
   * native implementation (each says why where it is registered).
   */
  registerIntrinsics(className: string, natives: Record<string, Native>): void {
    this.register(className, natives);
    for (const key of Object.keys(natives)) this.intrinsics.add(`${className}.${key}`);
  }

  /** True if `method` is an intrinsic: it then runs natively. */
  isIntrinsic(method: JMethod): boolean {
    return this.intrinsics.has(`${method.cls.name}.${method.name}${method.descriptor}`);
  }

  /** Calls native `method`. */
  call(vm: Jvm, thread: JThread, method: JMethod, args: Value[]): Value {
    let fn = method.native ?? this.bound.get(method);
    if (fn === undefined) {
      fn = this.table.get(`${method.cls.name}.${method.name}${method.descriptor}`);
      if (fn === undefined) {
        if (method.name === "registerNatives" || method.name === "initIDs") fn = () => undefined;
        else {
          vm.throwNew(thread, "java/lang/UnsatisfiedLinkError",
            `'${method.returnKind} ${method.cls.javaName}.${method.name}${method.descriptor}' (no native in typevisor)`);
        }
      }
      this.bound.set(method, fn);
    }
    const r = fn(vm, thread, args);
    return r === undefined ? null : r;
  }
}
