/**
 * API errors: each has the HTTP status it is answered with and a one-line
 * message, sent as Firecracker sends errors: `{"fault_message": "..."}`.
 */

/** An error the API answers with `status` and `{"fault_message": message}`. */
export class ApiError extends Error {
  override name = "ApiError";
  constructor(
    /** HTTP status: 400 bad request, 401, 403 path not allowed, 404 unknown VM, 409 wrong state, 507 over budget. */
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** 400: the request body or a field of it is wrong. */
export const badRequest = (m: string): ApiError => new ApiError(400, m);
/** 404: no such VM (or route). */
export const notFound = (m: string): ApiError => new ApiError(404, m);
/** 409: the VM is not in a state where this is possible. */
export const conflict = (m: string): ApiError => new ApiError(409, m);
