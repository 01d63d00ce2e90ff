/**
 * Natives of java.lang.invoke: MethodHandleNatives' member resolution for
 * fields (what MethodHandles.Lookup.findVarHandle needs) and the
 * signature-polymorphic VarHandle access methods (see var-handles.ts).
 */

import type { JField } from "../runtime/klass.js";
import type { Jvm } from "../runtime/jvm.js";
import type { Natives } from "../runtime/natives.js";
import type { JObject } from "../runtime/objects.js";
import { staticBase } from "./jdk-internal-misc.js";

/** MemberName flags (java.lang.invoke.MethodHandleNatives.Constants). */
const MN_IS_FIELD = 0x00040000;
const MN_TRUSTED_FINAL = 0x00200000;
const ALL_KINDS_MASK = 0x0f << 24;

function fieldOf(vm: Jvm, mn: JObject): JField {
  const f = mn.host as JField | undefined;
  if (f === undefined) throw new Error("MemberName not resolved");
  void vm;
  return f;
}

/** Registers the java.lang.invoke natives. */
export function registerInvokeNatives(n: Natives): void {
  n.register("java/lang/invoke/MethodHandleNatives", {
    "getNamedCon(I[Ljava/lang/Object;)I": () => 0,
    "resolve(Ljava/lang/invoke/MemberName;Ljava/lang/Class;IZ)Ljava/lang/invoke/MemberName;": (vm, t, [m, , , speculative]) => {
      const mn = m as JObject;
      const flags = vm.getField(mn, "flags") as number;
      const cls = vm.classOf(vm.getField(mn, "clazz") as JObject);
      const name = vm.strings.js(vm.getField(mn, "name") as JObject);
      if ((flags & MN_IS_FIELD) === 0) {
        if (speculative === 1) return null;
        vm.throwNew(t, "java/lang/InternalError", `method handles to methods are not supported yet: ${cls.javaName}.${name}`);
      }
      const type = vm.getField(mn, "type") as JObject;
      const descriptor = vm.classOf(type).descriptor;
      const f = cls.resolveField(name, descriptor);
      if (f === undefined) {
        if (speculative === 1) return null;
        return vm.throwNew(t, "java/lang/NoSuchFieldError", name);
      }
      mn.host = f;
      const trusted = f.isStatic && (f.access & 0x0010) !== 0 ? MN_TRUSTED_FINAL : 0;
      vm.setField(mn, "flags", (flags & ALL_KINDS_MASK) | MN_IS_FIELD | trusted | (f.access & 0xffff));
      vm.setField(mn, "clazz", vm.mirror(f.cls));
      return mn;
    },
    "objectFieldOffset(Ljava/lang/invoke/MemberName;)J": (vm, _t, [m]) => BigInt(fieldOf(vm, m as JObject).slot),
    "staticFieldOffset(Ljava/lang/invoke/MemberName;)J": (vm, _t, [m]) => BigInt(fieldOf(vm, m as JObject).slot),
    "staticFieldBase(Ljava/lang/invoke/MemberName;)Ljava/lang/Object;": (vm, _t, [m]) => staticBase(fieldOf(vm, m as JObject).cls),
  });
}
