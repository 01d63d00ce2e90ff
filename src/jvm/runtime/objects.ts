/**
 * The heap's shapes: every Java object is a JObject whose instance fields sit
 * in one array indexed by the slot the class assigned at link time; an array
 * is a JObject whose `data` holds its elements in the typed array of its
 * component type (Int32Array for int[], BigInt64Array for long[], a plain
 * array for references).
 */

import type { JClass } from "./klass.js";

/** A Java value in a slot: int/short/byte/char/boolean/float/double as number, long as bigint, a reference as JObject or null. */
export type Value = number | bigint | JObject | null;

/** Element storage of an array, by component type. */
export type ArrayData =
  | Int8Array | Uint16Array | Int16Array | Int32Array | BigInt64Array | Float32Array | Float64Array
  | (JObject | null)[];

/** A lock with an owner and a recursion count (JVMS 2.11.10); waiting threads are queued by the scheduler. */
export interface Monitor {
  owner: unknown;
  count: number;
}

/** Every object and array on the Java heap. */
export class JObject {
  /** Identity hash code, assigned on first use (Object.hashCode). */
  hash = 0;
  /** The object's monitor, created on first lock. */
  monitor: Monitor | undefined = undefined;
  /**
   * Host data the VM attaches to some objects: the JClass of a java.lang.Class
   * mirror, the thread of a java.lang.Thread, the frames of a Throwable's backtrace.
   */
  host: unknown = undefined;

  constructor(
    /** The object's class (for arrays, the array class). */
    readonly cls: JClass,
    /** Instance fields by slot; empty for arrays. */
    readonly fields: Value[],
    /** Elements, for arrays only. */
    readonly data: ArrayData | null = null,
  ) {}

  /** Number of elements (arrays only). */
  get length(): number {
    return this.data!.length;
  }
}

/** A Java exception in flight through host (TypeScript) code: natives and nested calls throw it. */
export class JavaThrow extends Error {
  constructor(readonly exception: JObject) {
    super("java exception");
  }
}

/** Allocates the storage of an array of `length` elements whose component descriptor is `component`. */
export function newArrayData(component: string, length: number): ArrayData {
  switch (component) {
    case "Z":
    case "B":
      return new Int8Array(length);
    case "C":
      return new Uint16Array(length);
    case "S":
      return new Int16Array(length);
    case "I":
      return new Int32Array(length);
    case "J":
      return new BigInt64Array(length);
    case "F":
      return new Float32Array(length);
    case "D":
      return new Float64Array(length);
    default:
      return new Array<JObject | null>(length).fill(null);
  }
}

/** The default value of a field of descriptor `descriptor` (JVMS 2.3, 2.4). */
export function defaultValue(descriptor: string): Value {
  const c = descriptor.charCodeAt(0);
  if (c === 0x4a /* J */) return 0n;
  if (c === 0x4c /* L */ || c === 0x5b /* [ */) return null;
  return 0;
}

/** Bytes per element of an array whose component descriptor is `component` (Unsafe.arrayIndexScale). */
export function elementSize(component: string): number {
  switch (component) {
    case "Z":
    case "B":
      return 1;
    case "C":
    case "S":
      return 2;
    case "J":
    case "D":
      return 8;
    default:
      return 4;
  }
}
