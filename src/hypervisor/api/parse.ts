/**
 * Request parsing: each endpoint's body is checked field by field into a typed
 * value before anything acts on it (as Firecracker's parsed_request does).
 * Unknown fields, wrong types and out-of-range values are 400s naming the field.
 */
import { badRequest } from "./errors.js";

/** A JSON object from a request body, or a 400. */
export function parseBody(text: string): Record<string, unknown> {
  let v: unknown;
  try {
    v = text.trim() === "" ? {} : JSON.parse(text);
  } catch (e) {
    throw badRequest(`the body is not JSON: ${(e as Error).message}`);
  }
  return object("body", v);
}

/** `v` as a plain object, or a 400 naming `field`. */
export function object(field: string, v: unknown): Record<string, unknown> {
  if (typeof v !== "object" || v === null || Array.isArray(v)) throw badRequest(`${field} must be an object`);
  return v as Record<string, unknown>;
}

/** Throws a 400 when `o` has a field not in `known`. */
export function onlyFields(field: string, o: Record<string, unknown>, known: readonly string[]): void {
  for (const k of Object.keys(o)) if (!known.includes(k)) throw badRequest(`${field}: unknown field '${k}'`);
}

/** An optional string field. */
export function optString(o: Record<string, unknown>, k: string, where: string): string | undefined {
  const v = o[k];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "string") throw badRequest(`${where}.${k} must be a string`);
  return v;
}

/** A required string field. */
export function reqString(o: Record<string, unknown>, k: string, where: string): string {
  const v = optString(o, k, where);
  if (v === undefined) throw badRequest(`${where}.${k} is required`);
  return v;
}

/** An optional integer field within [min, max]. */
export function optInt(o: Record<string, unknown>, k: string, where: string, min: number, max: number): number | undefined {
  const v = o[k];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "number" || !Number.isInteger(v) || v < min || v > max) {
    throw badRequest(`${where}.${k} must be a whole number from ${min} to ${max}`);
  }
  return v;
}

/** An optional boolean field. */
export function optBool(o: Record<string, unknown>, k: string, where: string): boolean | undefined {
  const v = o[k];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "boolean") throw badRequest(`${where}.${k} must be true or false`);
  return v;
}

/** VM and drive ids: 1-64 letters, digits, '-' or '_' (Firecracker's rule for ids). */
export function checkId(what: string, id: string): string {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(id)) throw badRequest(`${what} '${id.slice(0, 80)}' must be 1-64 letters, digits, '-' or '_'`);
  return id;
}
