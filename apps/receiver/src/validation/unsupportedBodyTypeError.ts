/** A POST body in a media type the receiver does not read (neither a form nor JSON): 415. */
export class UnsupportedBodyTypeError extends Error {
  override name = 'UnsupportedBodyTypeError';
  constructor() {
    super('body must be application/x-www-form-urlencoded or application/json');
  }
}
