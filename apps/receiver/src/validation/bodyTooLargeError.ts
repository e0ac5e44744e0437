/** A POST whose Content-Length declares a body over the limit: 413 before a byte of it is read, and the connection closed. */
export class BodyTooLargeError extends Error {
  override name = 'BodyTooLargeError';
  constructor(readonly limitBytes: number) {
    super(`request body too large (at most ${limitBytes} bytes)`);
  }
}
