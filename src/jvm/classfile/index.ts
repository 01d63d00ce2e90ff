/** The class-file reader (JVMS chapter 4): knows nothing of execution. */

export * from "./errors.js";
export * from "./constant-pool.js";
export * from "./annotations.js";
export * from "./attributes.js";
export * from "./classfile.js";
export * from "./descriptor.js";
export * from "./opcodes.js";
export * from "./instructions.js";
export { decodeModifiedUtf8, encodeModifiedUtf8 } from "./mutf8.js";
export { ByteReader } from "./bytes.js";
