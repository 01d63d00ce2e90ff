/** Linux errno values (asm-generic, shared by RISC-V and the x86-64 host) used by the syscall layer. */
export const enum Errno {
  EPERM = 1, ENOENT = 2, ESRCH = 3, EINTR = 4, EIO = 5, ENXIO = 6, E2BIG = 7, ENOEXEC = 8, EBADF = 9,
  ECHILD = 10, EAGAIN = 11, ENOMEM = 12, EACCES = 13, EFAULT = 14, EBUSY = 16, EEXIST = 17, EXDEV = 18,
  ENODEV = 19, ENOTDIR = 20, EISDIR = 21, EINVAL = 22, ENFILE = 23, EMFILE = 24, ENOTTY = 25, EFBIG = 27,
  ENOSPC = 28, ESPIPE = 29, EROFS = 30, EMLINK = 31, EPIPE = 32, EDOM = 33, ERANGE = 34, EDEADLK = 35,
  ENAMETOOLONG = 36, ENOSYS = 38, ENOTEMPTY = 39, ELOOP = 40, ENOMSG = 42, EIDRM = 43, ENODATA = 61, ETIME = 62, EOVERFLOW = 75,
  ENOTSOCK = 88, EDESTADDRREQ = 89, EMSGSIZE = 90, EPROTOTYPE = 91, ENOPROTOOPT = 92,
  EPROTONOSUPPORT = 93, EOPNOTSUPP = 95, EAFNOSUPPORT = 97, EADDRINUSE = 98, EADDRNOTAVAIL = 99,
  ENETUNREACH = 101, ECONNABORTED = 103, ECONNRESET = 104, EISCONN = 106, ENOTCONN = 107,
  ETIMEDOUT = 110, ECONNREFUSED = 111, EALREADY = 114, EINPROGRESS = 115,
}

/**
 * The negative errno a failed host call stands for. Node's system errors carry
 * the host's negative errno, which has the same number on a Linux host; on other
 * hosts the symbolic code is mapped.
 */
export function hostErrno(e: unknown): number {
  const err = e as NodeJS.ErrnoException;
  const byCode: Record<string, number> = {
    EPERM: 1, ENOENT: 2, EINTR: 4, EIO: 5, EBADF: 9, EAGAIN: 11, ENOMEM: 12, EACCES: 13, EEXIST: 17,
    EXDEV: 18, ENOTDIR: 20, EISDIR: 21, EINVAL: 22, EMFILE: 24, ENOTTY: 25, ENOSPC: 28, ESPIPE: 29,
    EROFS: 30, EPIPE: 32, ENAMETOOLONG: 36, ENOSYS: 38, ENOTEMPTY: 39, ELOOP: 40,
  };
  if (process.platform === "linux" && typeof err?.errno === "number" && err.errno < 0) return err.errno;
  if (err?.code !== undefined && byCode[err.code] !== undefined) return -byCode[err.code];
  throw e;
}
