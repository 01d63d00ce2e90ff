/**
 * java.lang.String as the VM makes and reads it. JDK 17's compact strings keep
 * the characters in a byte[] `value` with a `coder`: LATIN1 (0), one byte per
 * char, when every char is below 256, otherwise UTF16 (1), two bytes per char
 * in the order StringUTF16.isBigEndian reports (little-endian here). Literals
 * and String.intern share one table.
 */

import type { JClass } from "./klass.js";
import type { Jvm } from "./jvm.js";
import { JObject } from "./objects.js";

/** String.coder for one byte per char. */
export const LATIN1 = 0;
/** String.coder for two bytes per char. */
export const UTF16 = 1;

/** Makes, reads and interns Java strings. */
export class StringTable {
  private readonly interned = new Map<string, JObject>();
  private cls: JClass | undefined;
  private valueSlot = 0;
  private coderSlot = 0;

  constructor(private readonly vm: Jvm) {}

  private stringClass(): JClass {
    if (this.cls === undefined) {
      const c = this.vm.load("java/lang/String");
      this.valueSlot = c.fieldNamed("value").slot;
      this.coderSlot = c.fieldNamed("coder").slot;
      this.cls = c;
    }
    return this.cls;
  }

  /** A new java.lang.String with the characters of `s`. */
  str(s: string): JObject {
    const cls = this.stringClass();
    const o = new JObject(cls, cls.fieldTemplate.slice());
    let latin1 = true;
    for (let i = 0; i < s.length; i++) {
      if (s.charCodeAt(i) > 0xff) {
        latin1 = false;
        break;
      }
    }
    const bytes = this.vm.newArray(this.vm.registry.primitive("B")!, latin1 ? s.length : s.length * 2);
    const data = bytes.data as Int8Array;
    if (latin1) {
      for (let i = 0; i < s.length; i++) data[i] = s.charCodeAt(i);
    } else {
      for (let i = 0; i < s.length; i++) {
        const c = s.charCodeAt(i);
        data[2 * i] = c;
        data[2 * i + 1] = c >> 8;
      }
    }
    o.fields[this.valueSlot] = bytes;
    o.fields[this.coderSlot] = latin1 ? LATIN1 : UTF16;
    return o;
  }

  /** The characters of a java.lang.String (null gives "null"). */
  js(o: JObject | null): string {
    if (o === null) return "null";
    this.stringClass();
    const data = (o.fields[this.valueSlot] as JObject).data as Int8Array;
    const coder = o.fields[this.coderSlot] as number;
    let s = "";
    if (coder === LATIN1) {
      for (let i = 0; i < data.length; i += 8192) {
        s += String.fromCharCode(...Array.from(data.subarray(i, i + 8192), (b) => b & 0xff));
      }
    } else {
      const chars: number[] = [];
      for (let i = 0; i + 1 < data.length; i += 2) chars.push((data[i]! & 0xff) | ((data[i + 1]! & 0xff) << 8));
      for (let i = 0; i < chars.length; i += 8192) s += String.fromCharCode(...chars.slice(i, i + 8192));
    }
    return s;
  }

  /** The canonical String for `s` (literals, String.intern). */
  intern(s: string): JObject {
    let o = this.interned.get(s);
    if (o === undefined) {
      o = this.str(s);
      this.interned.set(s, o);
    }
    return o;
  }

  /** String.intern of a Java string object. */
  internObject(o: JObject): JObject {
    const s = this.js(o);
    const existing = this.interned.get(s);
    if (existing !== undefined) return existing;
    this.interned.set(s, o);
    return o;
  }
}
