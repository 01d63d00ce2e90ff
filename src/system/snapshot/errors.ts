/** The one error a snapshot is refused with. */

/** Why a snapshot was refused. */
export type SnapshotFault =
  /** The file ends before its header or body says it should */
  | "truncated"
  /** The checksum does not match, or the content is malformed */
  | "corrupt"
  /** Not a typevisor snapshot file at all, or the other file of the pair */
  | "foreign"
  /** Written by a newer (or unknown) format version */
  | "version"
  /** Sound, but does not fit what it is restored with (RAM size, harts, disk images) */
  | "mismatch"
  /** The host could not read or write the file */
  | "io";

/** A snapshot could not be taken, read or restored; the message is one line saying which file and why. */
export class SnapshotError extends Error {
  constructor(
    readonly fault: SnapshotFault,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "SnapshotError";
  }
}
