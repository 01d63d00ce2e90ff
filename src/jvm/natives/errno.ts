/** Linux errno numbers and strerror() texts, for the natives that report host errors as the JDK's C code would. */

/** Linux errno values, by Node's error code ("ENOENT"). */
export const ERRNO: Readonly<Record<string, number>> = {
  EPERM: 1, ENOENT: 2, EIO: 5, EBADF: 9, EAGAIN: 11, EACCES: 13, EEXIST: 17, EXDEV: 18, ENOTDIR: 20, EISDIR: 21,
  EINVAL: 22, EMFILE: 24, ENOSPC: 28, EROFS: 30, ENAMETOOLONG: 36, ENOTEMPTY: 39, ELOOP: 40,
};

/** strerror() of Linux errno values. */
export const STRERROR: Readonly<Record<number, string>> = {
  1: "Operation not permitted", 2: "No such file or directory", 5: "Input/output error", 9: "Bad file descriptor",
  11: "Resource temporarily unavailable", 13: "Permission denied", 17: "File exists", 18: "Invalid cross-device link",
  20: "Not a directory", 21: "Is a directory", 22: "Invalid argument", 24: "Too many open files", 28: "No space left on device",
  30: "Read-only file system", 36: "File name too long", 39: "Directory not empty", 40: "Too many levels of symbolic links",
};

/** strerror() of a host error (by its Node code), or the code itself when it has no number here. */
export function errnoText(e: unknown): string {
  const code = (e as { code?: string }).code ?? "";
  const n = ERRNO[code];
  return n === undefined ? code : STRERROR[n]!;
}
