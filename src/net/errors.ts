/** Errors of the network backends. */

/** A backend could not be opened (a host port taken, a switch socket unusable): the message is one line for the user. */
export class NetOpenError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "NetOpenError";
  }
}
