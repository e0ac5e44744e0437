/** The client's address sent too many unknown or revoked keys lately; it may try again after `retryAfterSeconds`. */
export class TooManyKeyFailuresError extends Error {
  override name = 'TooManyKeyFailuresError';
  constructor(readonly retryAfterSeconds: number) {
    super('too many requests with an unknown or revoked key from this address');
  }
}
