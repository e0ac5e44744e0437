/** The request carries no key, or one that is unknown or revoked. */
export class UnknownKeyError extends Error {
  override name = 'UnknownKeyError';
}
