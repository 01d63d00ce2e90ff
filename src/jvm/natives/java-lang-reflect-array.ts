/**
 * java.lang.reflect.Array: creating arrays of a runtime class and reading or
 * writing their elements with the JLS's widening conversions, boxing for
 * get/set.
 */

import type { Jvm } from "../runtime/jvm.js";
import type { Natives } from "../runtime/natives.js";
import type { JObject, Value } from "../runtime/objects.js";
import type { JThread } from "../runtime/thread.js";
import { box, unbox, widen, WIDENS_TO } from "./java-lang-reflect.js";

const KINDS: Record<string, string> = { Boolean: "Z", Byte: "B", Char: "C", Short: "S", Int: "I", Long: "J", Float: "F", Double: "D" };

function checkedArray(vm: Jvm, t: JThread, a: Value, i: number): JObject {
  if (a === null) vm.throwNew(t, "java/lang/NullPointerException");
  const arr = a as JObject;
  if (arr.data === null) return vm.throwNew(t, "java/lang/IllegalArgumentException", "Argument is not an array");
  if (i < 0 || i >= arr.data.length) vm.throwNew(t, "java/lang/ArrayIndexOutOfBoundsException", `Index ${i} out of bounds for length ${arr.data.length}`);
  return arr;
}

function mismatch(vm: Jvm, t: JThread): never {
  return vm.throwNew(t, "java/lang/IllegalArgumentException", "argument type mismatch");
}

/** Registers the java.lang.reflect.Array natives. */
export function registerArrayNatives(n: Natives): void {
  const natives: Record<string, (vm: Jvm, t: JThread, args: Value[]) => Value | void> = {
    "newArray(Ljava/lang/Class;I)Ljava/lang/Object;": (vm, t, [c, len]) => {
      const component = vm.classOf(c as JObject);
      if (component.primitive === "V") vm.throwNew(t, "java/lang/IllegalArgumentException");
      if ((len as number) < 0) vm.throwNew(t, "java/lang/NegativeArraySizeException", String(len));
      return vm.newArray(component, len as number);
    },
    "getLength(Ljava/lang/Object;)I": (vm, t, [a]) => {
      if (a === null) vm.throwNew(t, "java/lang/NullPointerException");
      const arr = a as JObject;
      if (arr.data === null) return vm.throwNew(t, "java/lang/IllegalArgumentException", "Argument is not an array");
      return arr.data.length;
    },
    "get(Ljava/lang/Object;I)Ljava/lang/Object;": (vm, t, [a, i]) => {
      const arr = checkedArray(vm, t, a, i as number);
      const kind = arr.cls.componentType!.primitive;
      const v = arr.data![i as number] as Value;
      return kind === "" ? v : box(vm, t, kind, v);
    },
    "set(Ljava/lang/Object;ILjava/lang/Object;)V": (vm, t, [a, i, v]) => {
      const arr = checkedArray(vm, t, a, i as number);
      const component = arr.cls.componentType!;
      if (component.primitive === "") {
        if (v !== null && !(v as JObject).cls.isAssignableTo(component)) mismatch(vm, t);
        (arr.data as (JObject | null)[])[i as number] = v as JObject | null;
        return;
      }
      (arr.data as Int32Array)[i as number] = unbox(vm, t, component.primitive, v) as number;
    },
  };
  for (const [name, kind] of Object.entries(KINDS)) {
    natives[`get${name}(Ljava/lang/Object;I)${kind}`] = (vm, t, [a, i]) => {
      const arr = checkedArray(vm, t, a, i as number);
      const from = arr.cls.componentType!.primitive;
      if (from === "" || (from !== kind && !(WIDENS_TO[from] ?? "").includes(kind))) mismatch(vm, t);
      return widen(from, kind, arr.data![i as number] as Value);
    };
    natives[`set${name}(Ljava/lang/Object;I${kind})V`] = (vm, t, [a, i, v]) => {
      const arr = checkedArray(vm, t, a, i as number);
      const to = arr.cls.componentType!.primitive;
      if (to === "" || (to !== kind && !(WIDENS_TO[kind] ?? "").includes(to))) mismatch(vm, t);
      (arr.data as Int32Array)[i as number] = widen(kind, to, v!) as number;
    };
  }
  n.register("java/lang/reflect/Array", natives);
}
